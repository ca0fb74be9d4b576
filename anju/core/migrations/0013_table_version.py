"""The tables' version rows (anju.core.kept) and, on PostgreSQL, the trigger function that moves them; each
app installs the triggers of the tables it watches (`migration_ops.watch_tables`)."""

from django.db import migrations, models

from anju.core.migration_ops import VERSION_FUNCTION, VERSION_FUNCTION_DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VERSION_FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VERSION_FUNCTION_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_role_grants")]

    operations = [
        migrations.CreateModel(
            name="TableVersion",
            fields=[
                ("table", models.CharField(max_length=63, primary_key=True, serialize=False)),
                ("n", models.BigIntegerField(default=0)),
                ("stamp", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
