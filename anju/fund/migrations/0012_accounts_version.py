"""The accounts' version row and the triggers that move it (anju.fund.totals): any account added or
removed, or its kind, unit, project, building, first deposit or closing date changed, by any code or
by hand, counts it up and draws a new random stamp. Balances are not watched here: only posting moves
them, and posting moves LedgerHead in the same transaction. PostgreSQL fires once a statement (a bulk
update of 250k first deposits costs one upsert); SQLite has only row triggers (about 3 µs a row)."""

from django.db import migrations, models

SQLITE = [
    f"""CREATE TRIGGER fund_accounts_version_{name} AFTER {event} ON fund_account BEGIN
    INSERT INTO fund_accountsversion (id, n, stamp) VALUES (1, 1, random())
    ON CONFLICT (id) DO UPDATE SET n = n + 1, stamp = excluded.stamp;
END"""
    for name, event in (
        ("insert", "INSERT"),
        ("delete", "DELETE"),
        ("update", "UPDATE OF kind, unit_id, project_id, building_id, first_deposit, closed"),
    )
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS fund_accounts_version_{name}" for name in ("insert", "delete", "update")]

POSTGRES = [
    """CREATE FUNCTION fund_accounts_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fund_accountsversion (id, n, stamp) VALUES (1, 1, (random() * 9e18)::bigint)
    ON CONFLICT (id) DO UPDATE SET n = fund_accountsversion.n + 1, stamp = EXCLUDED.stamp;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER fund_accounts_version AFTER INSERT OR DELETE OR TRUNCATE
    OR UPDATE OF kind, unit_id, project_id, building_id, first_deposit, closed
    ON fund_account FOR EACH STATEMENT EXECUTE FUNCTION fund_accounts_version_bump()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS fund_accounts_version ON fund_account",
    "DROP FUNCTION IF EXISTS fund_accounts_version_bump()",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("fund", "0011_line_account_index")]

    operations = [
        migrations.CreateModel(
            name="AccountsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("n", models.BigIntegerField(default=0)),
                ("stamp", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
