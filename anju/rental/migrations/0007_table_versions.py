"""Version triggers on the bills, payments and their allocations: the rent collection rate and the bill
list's 合计 row are kept per version of these tables (anju.core.kept, issue 17)."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0013_table_version"), ("rental", "0006_workflow_event_role")]

    operations = [watch_tables("rental_rentbill", "rental_payment", "rental_paymentallocation")]
