import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from anju.core.migration_ops import history_from_audit

# (from, to) of a use application's history → its step, for events written before the step was recorded.
USE_STEPS = {
    ("", "draft"): "create",
    ("draft", "submitted"): "submit",
    ("submitted", "reviewed"): "review",
    ("reviewed", "approved"): "approve",
    ("submitted", "draft"): "send_back",
    ("reviewed", "draft"): "send_back",
    ("draft", "withdrawn"): "withdraw",
    ("submitted", "withdrawn"): "withdraw",
    ("reviewed", "withdrawn"): "withdraw",
    ("paid", "closed"): "close",
    ("approved", "paying"): "advance",
    ("paying", "paying"): "advance",
    ("approved", "paid"): "settlement",
    ("paying", "paid"): "settlement",
}
# The label the old notes began with ("退回：理由", "拨付预付款 300.00"): the step column now says it.
LABELS = {
    "create": "新建",
    "submit": "提交审核",
    "review": "审核通过",
    "approve": "审批同意",
    "send_back": "退回",
    "withdraw": "撤回",
    "close": "归档",
    "advance": "拨付预付款",
    "settlement": "拨付结算款",
}
# A refund's audited status changes → its step.
REFUND_STEPS = {
    ("draft", "submitted"): "submit",
    ("submitted", "approved"): "approve",
    ("submitted", "rejected"): "reject",
    ("approved", "paid"): "pay",
}


def use_event_steps(apps, schema_editor):
    """Name the step of each existing use-application event and keep only the reason in its note."""
    ApplicationEvent = apps.get_model("fund", "ApplicationEvent")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for (before, after), step in USE_STEPS.items():
        ApplicationEvent.objects.filter(step="", from_status=before, to_status=after).update(step=step)
    ApplicationEvent.objects.filter(actor__isnull=False).update(
        actor_full_name=Subquery(User.objects.filter(pk=OuterRef("actor_id")).values("full_name")[:1])
    )
    changed = []
    for event in ApplicationEvent.objects.exclude(step="").exclude(note="").iterator(chunk_size=2000):
        label = LABELS.get(event.step, "")
        if label and event.note.startswith(label):
            event.note = event.note[len(label) :].lstrip("： ")
            changed.append(event)
    ApplicationEvent.objects.bulk_update(changed, ["note"], batch_size=500)


def _refund_step(audit):
    before = (audit.before or {}).get("status", "")
    after = (audit.after or {}).get("status", "")
    if audit.action == "create":
        return "create", "", "draft", ""
    step = REFUND_STEPS.get((before, after))
    if step is None:
        return None
    return step, before, after, (audit.after or {}).get("decision_note", "") if step in ("approve", "reject") else ""


def refund_history(apps, schema_editor):
    """Write each existing refund's history from the audit log. Refunds submitted under the old flow (no
    审核) stay submitted and now wait for 审核; approved ones stay approved and may be paid."""
    history_from_audit(
        apps, record="fund.RefundApplication", event="fund.RefundEvent", link="application", step_of=_refund_step
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_squashed_2026_11_28"),
        ("fund", "0001_squashed_2026_11_28"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="actor_full_name",
            field=models.CharField(blank=True, db_default="", default="", max_length=60, verbose_name="by (full name)"),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="step",
            field=models.CharField(blank=True, db_default="", default="", max_length=20, verbose_name="step"),
        ),
        migrations.AlterField(
            model_name="refundapplication",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("reviewed", "Reviewed"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("paid", "Paid"),
                    ("withdrawn", "Withdrawn"),
                ],
                db_index=True,
                default="draft",
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="RefundEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                ("actor_name", models.CharField(max_length=150, verbose_name="by (name)")),
                (
                    "actor_full_name",
                    models.CharField(
                        blank=True, db_default="", default="", max_length=60, verbose_name="by (full name)"
                    ),
                ),
                ("step", models.CharField(blank=True, db_default="", default="", max_length=20, verbose_name="step")),
                ("from_status", models.CharField(blank=True, max_length=12, verbose_name="from")),
                ("to_status", models.CharField(max_length=12, verbose_name="to")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="fund.refundapplication",
                        verbose_name="refund application",
                    ),
                ),
            ],
            options={
                "verbose_name": "refund event",
                "verbose_name_plural": "refund events",
                "ordering": ["application", "at", "id"],
            },
        ),
        migrations.RunPython(use_event_steps, migrations.RunPython.noop),
        migrations.RunPython(refund_history, migrations.RunPython.noop),
    ]
