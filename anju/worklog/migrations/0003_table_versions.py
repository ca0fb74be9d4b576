"""Version triggers on the work records (issue 17): the meetings the oversight home counts are kept per version
of this table with the oversight tables' (anju.core.kept)."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0013_table_version"), ("worklog", "0002_activities")]

    operations = [watch_tables("worklog_workrecord")]
