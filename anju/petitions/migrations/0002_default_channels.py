"""The channels of DOMAIN.md §5 and their default deadline rules; the office (办公室, the petitions role) sees
petitioners' identities in full."""

import datetime as dt

from django.db import migrations

from anju.core.migration_ops import grant, revoke

REGULATION = "信访工作条例（2022年5月1日施行）；2005年《信访条例》期限相同"
PLATFORM = "占位默认值（DOMAIN.md §5），请按本市12345平台和各网络平台的规则修改"
# (code, name, online, referral, in use since, order)
CHANNELS = [
    ("letter", "来信", False, False, dt.date(2000, 1, 1), 10),
    ("visit", "来访", False, False, dt.date(2000, 1, 1), 20),
    ("online_petition", "网上信访", False, False, dt.date(2014, 1, 1), 30),
    ("hotline12345", "市长热线（12345）", True, False, dt.date(2000, 1, 1), 40),
    ("governor", "省长信箱", True, False, dt.date(2000, 1, 1), 50),
    ("xiangyiban", "湘易办", True, False, dt.date(2021, 1, 1), 60),
    ("rednet", "红网", True, False, dt.date(2000, 1, 1), 70),
    ("wenzheng", "问政湖南", True, False, dt.date(2010, 1, 1), 80),
    ("inspection", "巡视组交办", False, True, dt.date(2000, 1, 1), 90),
    ("superior", "上级转办", False, False, dt.date(2000, 1, 1), 100),
]
# (step, amount, unit, start): calendar days under the 条例, working days on the platforms.
PETITION_RULES = [
    ("accept", 15, "calendar", "received"),
    ("forward", 15, "calendar", "received"),
    ("reply", 60, "calendar", "accepted"),
    ("complete", 60, "calendar", "accepted"),
    ("extension", 30, "calendar", "accepted"),
    ("review_request", 30, "calendar", "replied"),
    ("review", 30, "calendar", "requested"),
    ("rereview_request", 30, "calendar", "replied"),
    ("rereview", 30, "calendar", "requested"),
]
PLATFORM_RULES = [
    ("accept", 1, "working", "received"),
    ("reply", 5, "working", "received"),
    ("complete", 5, "working", "received"),
    ("extension", 5, "working", "received"),
]


def seed(apps, schema_editor):
    Channel = apps.get_model("petitions", "Channel")
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    rules = []
    for code, name, online, referral, since, order in CHANNELS:
        channel = Channel.objects.create(
            code=code, name=name, online=online, referral=referral, started_on=since, order=order
        )
        table, source = (PLATFORM_RULES, PLATFORM) if online else (PETITION_RULES, REGULATION)
        rules += [
            DeadlineRule(
                channel=channel, step=step, amount=amount, unit=unit, start=start,
                effective_from=dt.date(2000, 1, 1), source=source,
            )
            for step, amount, unit, start in table
        ]
    DeadlineRule.objects.bulk_create(rules)
    grant(apps, "office", ["petitions:see_id"])


def unseed(apps, schema_editor):
    apps.get_model("petitions", "DeadlineRule").objects.all().delete()
    apps.get_model("petitions", "Channel").objects.all().delete()
    revoke(apps, "office", ["petitions:see_id"])


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("core", "0001_squashed_2026_11_28")]

    operations = [migrations.RunPython(seed, unseed)]
