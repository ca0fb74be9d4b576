"""PostgreSQL: unit ledgers' pages half full, so moving every cached balance at once (the year's interest,
a bank file, a demo year) is a HOT update: the new row versions stay on their pages and none of the
account table's seven indexes takes an entry. With full pages each of a million updated rows went to
another page and into every index (170 s for the interest's balance update on the 1M bench, 13.5 s
with HOT). Pages written before this keep their layout until rewritten (`VACUUM FULL fund_account`);
autovacuum frees half of each page after a full update, so they turn HOT-friendly over time."""

from django.db import migrations


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE fund_account SET (fillfactor = 50)")


def reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE fund_account RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("fund", "0009_workflow_event_role")]

    operations = [migrations.RunPython(fillfactor, reset, elidable=False)]
