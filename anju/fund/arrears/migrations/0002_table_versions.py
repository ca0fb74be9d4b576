"""Version triggers on the recovery cases and everything recorded about them (issue 17): the arrears board's
figures for a year are kept per version of these tables and the registry's projects and enterprises
(anju.core.kept) instead of computed again, fourteen statements, on each view."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_table_version"),
        ("arrears", "0001_squashed_2026_11_28"),
        ("registry", "0005_table_versions"),
    ]

    operations = [
        watch_tables(
            "arrears_arrearsitem",
            "arrears_caseaction",
            "arrears_evidence",
            "arrears_evidence_items",
            "arrears_recovery",
            "arrears_recoverycase",
            "arrears_recoverytarget",
            "arrears_schedulingmeeting",
        )
    ]
