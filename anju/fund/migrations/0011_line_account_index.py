"""The journal lines' account index covers the amount: (account, day, amount) replaces (account, day), and
the foreign key's own index on the account alone goes (the new one leads with it, so one index fewer to
write per line). `anju fund check` then sums every ledger's lines from the index alone, in ledger order,
instead of sorting 3.7M lines (issue 17).

The foreign key is altered in the state only: SQLite would rebuild the table for it, which drops the
append-only triggers; in the database only its index is dropped, by name (Django's, the same on both)."""

import django.db.models.deletion
from django.db import migrations, models

FK_INDEX = "fund_journalline_account_id_77b3b1ba"


class Migration(migrations.Migration):
    dependencies = [("fund", "0010_account_fillfactor")]

    operations = [
        migrations.AddIndex(
            model_name="journalline",
            index=models.Index(fields=["account", "day", "amount"], name="fund_line_account_day_amount"),
        ),
        migrations.RemoveIndex(model_name="journalline", name="fund_journa_account_02c0a0_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalline",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="fund.account",
                        verbose_name="account",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FK_INDEX}"',
                    f'CREATE INDEX "{FK_INDEX}" ON "fund_journalline" ("account_id")',
                ),
            ],
        ),
    ]
