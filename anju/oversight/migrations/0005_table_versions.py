"""Version triggers on the inspections, findings, tasks and their progress (issue 17): the oversight home's
figures for a year are kept per version of these tables and the work records' (anju.core.kept) instead of
counted again, a dozen statements, on each view."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    # The home's figures are kept per version of the work records too (worklog 0003).
    dependencies = [
        ("core", "0013_table_version"),
        ("oversight", "0004_workflow_event_role"),
        ("worklog", "0003_table_versions"),
    ]

    operations = [watch_tables("oversight_inspection", "oversight_finding", "oversight_task", "oversight_progress")]
