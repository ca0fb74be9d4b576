"""Version triggers on the rest of the tables the rental KPIs read (issue 17): the dashboard's figures for a
year are kept per version of these and the rent tables (rental 0007; anju.core.kept) instead of computed
again, some twenty statements, on each view."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    # The homes list's estates are kept per version of the registry's units and projects too (registry 0005).
    dependencies = [
        ("core", "0013_table_version"),
        ("rental", "0008_lease_order_index"),
        ("registry", "0005_table_versions"),
    ]

    operations = [
        watch_tables(
            "rental_exit",
            "rental_filing",
            "rental_inspection",
            "rental_lease",
            "rental_rentalunit",
            "rental_repair",
            "rental_review",
        )
    ]
