"""The database itself keeps the journal append-only and, on PostgreSQL, every entry balanced.

PostgreSQL: UPDATE and DELETE on entries and lines raise; a deferred constraint trigger on each
new entry checks at commit that its lines sum to zero and number at least two.
SQLite: UPDATE raises (DELETE stays possible so test databases can be flushed; `anju fund check`
finds a deleted entry by the gap in the sequence numbers); balance is enforced by the posting code."""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION fund_journal_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'fund journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER fund_journalentry_append_only BEFORE UPDATE OR DELETE ON fund_journalentry
  FOR EACH ROW EXECUTE FUNCTION fund_journal_append_only();
CREATE TRIGGER fund_journalline_append_only BEFORE UPDATE OR DELETE ON fund_journalline
  FOR EACH ROW EXECUTE FUNCTION fund_journal_append_only();

CREATE OR REPLACE FUNCTION fund_entry_balanced() RETURNS trigger AS $$
DECLARE
  total bigint;
  n integer;
BEGIN
  SELECT COALESCE(SUM(amount), 0), COUNT(*) INTO total, n FROM fund_journalline WHERE entry_id = NEW.id;
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'fund journal entry #% is not balanced (sum % fen over % lines)', NEW.seq, total, n
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER fund_journalentry_balanced AFTER INSERT ON fund_journalentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_entry_balanced();
"""

PG_BACKWARD = """
DROP TRIGGER IF EXISTS fund_journalentry_balanced ON fund_journalentry;
DROP TRIGGER IF EXISTS fund_journalentry_append_only ON fund_journalentry;
DROP TRIGGER IF EXISTS fund_journalline_append_only ON fund_journalline;
DROP FUNCTION IF EXISTS fund_entry_balanced();
DROP FUNCTION IF EXISTS fund_journal_append_only();
"""

SQLITE_FORWARD = [
    """CREATE TRIGGER fund_journalentry_no_update BEFORE UPDATE ON fund_journalentry
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalentry refused'); END""",
    """CREATE TRIGGER fund_journalline_no_update BEFORE UPDATE ON fund_journalline
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalline refused'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS fund_journalentry_no_update",
    "DROP TRIGGER IF EXISTS fund_journalline_no_update",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD, params=None)
    elif vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
