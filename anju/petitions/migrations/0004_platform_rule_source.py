"""The platforms' default deadline rules named a design document in their source (DOMAIN.md §5), which people
read on the channels page; the source says what it is in Chinese only (issue 19). Rules edited since keep
their own source."""

from django.db import migrations

OLD = "占位默认值（DOMAIN.md §5），请按本市12345平台和各网络平台的规则修改"
NEW = "占位默认值，请按本市12345平台和各网络平台的规则修改"


def forwards(apps, schema_editor):
    apps.get_model("petitions", "DeadlineRule").objects.filter(source=OLD).update(source=NEW)


def backwards(apps, schema_editor):
    apps.get_model("petitions", "DeadlineRule").objects.filter(source=NEW).update(source=OLD)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_workflow_event_role")]

    operations = [migrations.RunPython(forwards, backwards)]
