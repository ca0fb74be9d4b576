"""The journal's HMAC chain (issue 18): each entry keyed, chained and covering all of its fields.

Replaces the unkeyed per-entry digest. Existing entries are signed here, in number order, with the
key that signs from now on (ANJU_LEDGER_KEY / ANJU_LEDGER_KEY_FILE): their lines are read in one
pass ordered by entry, the entries streamed, and the four new columns written with the append-only
triggers lifted for the duration (this migration runs as the owner role). Rotations (LedgerAnchor)
are append-only like the journal."""

from django.db import migrations, models

from anju.fund import chain

PG_ANCHOR = """
CREATE TRIGGER fund_ledgeranchor_append_only BEFORE UPDATE OR DELETE ON fund_ledgeranchor
  FOR EACH ROW EXECUTE FUNCTION fund_journal_append_only();
"""
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS fund_journalentry_no_update BEFORE UPDATE ON fund_journalentry
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalentry refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS fund_journalline_no_update BEFORE UPDATE ON fund_journalline
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_journalline refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS fund_ledgeranchor_no_update BEFORE UPDATE ON fund_ledgeranchor
       BEGIN SELECT RAISE(ABORT, 'fund journal is append-only: UPDATE on fund_ledgeranchor refused'); END""",
]
FETCH = 20_000


def _lines_sha256(cursor) -> dict[int, str]:
    import hashlib
    from itertools import groupby
    from operator import itemgetter

    hashers: dict[int, object] = {}
    cursor.execute("SELECT entry_id, account_id, amount, day FROM fund_journalline ORDER BY entry_id, id")
    while batch := cursor.fetchmany(FETCH):
        for entry_id, rows in groupby(batch, itemgetter(0)):
            hasher = hashers.setdefault(entry_id, hashlib.sha256())
            chain.lines_update(hasher, [(e, a, int(m), int(d)) for e, a, m, d in rows])
    return {entry_id: hasher.hexdigest() for entry_id, hasher in hashers.items()}  # type: ignore[attr-defined]


def sign_existing(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM fund_journalentry")
        if not cursor.fetchone()[0]:
            return
        secret = chain.signing_key("")
        lines = _lines_sha256(cursor)
        cursor.execute(
            "SELECT e.id, e.seq, e.kind, e.value_date, e.posted_at, e.posted_by_id, e.posted_by_name, e.memo, "
            "e.document, e.bank_txn_id, r.seq FROM fund_journalentry e "
            "LEFT JOIN fund_journalentry r ON r.id = e.reverses_id ORDER BY e.seq"
        )
        signed = []
        prev = ""
        last_seq = 0
        while batch := cursor.fetchmany(FETCH):
            for entry_id, seq, kind, day, posted_at, by, name, memo, document, txn, reverses_seq in batch:
                fields = chain.EntryFields(
                    seq=int(seq),
                    kind=str(kind),
                    value_date=chain.date_text(day),
                    posted_at=chain.utc_text(posted_at),
                    posted_by_id=None if by is None else int(by),
                    posted_by_name=str(name),
                    memo=str(memo),
                    document=str(document),
                    bank_txn_id=txn,
                    reverses_seq=None if reverses_seq is None else int(reverses_seq),
                    key_id=secret.id,
                )
                lines_hex = lines.get(entry_id, chain.EMPTY_SHA256)
                mac = chain.entry_mac(secret, fields, lines_hex, prev)
                signed.append((secret.id, prev, lines_hex, mac, entry_id))
                prev, last_seq = mac, int(seq)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE fund_journalentry DISABLE TRIGGER fund_journalentry_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS fund_journalentry_no_update")
        for start in range(0, len(signed), FETCH):
            cursor.executemany(
                "UPDATE fund_journalentry SET key_id = %s, prev_mac = %s, lines_sha256 = %s, mac = %s WHERE id = %s",
                signed[start : start + FETCH],
            )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE fund_journalentry ENABLE TRIGGER fund_journalentry_append_only")
        cursor.execute(
            "UPDATE fund_ledgerhead SET last_mac = %s, key_id = %s WHERE last_seq = %s", [prev, secret.id, last_seq]
        )


def triggers(apps, schema_editor):
    # On SQLite, adding a column rebuilds the table and drops its triggers: they are made again here.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_ANCHOR, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def no_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS fund_ledgeranchor_append_only ON fund_ledgeranchor", params=None)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS fund_ledgeranchor_no_update")


class Migration(migrations.Migration):
    dependencies = [("fund", "0006_workflow")]

    operations = [
        migrations.RemoveField(model_name="journalentry", name="digest"),
        migrations.AddField(
            model_name="journalentry",
            name="key_id",
            field=models.CharField(default="", max_length=16, verbose_name="key"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journalentry",
            name="prev_mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="previous MAC"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journalentry",
            name="lines_sha256",
            field=models.CharField(default="", max_length=64, verbose_name="lines SHA-256"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journalentry",
            name="mac",
            field=models.CharField(default="", max_length=64, verbose_name="MAC"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ledgerhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="ledgerhead",
            name="last_mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.CreateModel(
            name="LedgerAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("after_seq", models.BigIntegerField(verbose_name="after entry")),
                ("old_key_id", models.CharField(max_length=16, verbose_name="old key")),
                ("new_key_id", models.CharField(max_length=16, verbose_name="new key")),
                ("prev_mac", models.CharField(blank=True, max_length=64)),
                ("created_at", models.DateTimeField(verbose_name="created at")),
                ("created_by_name", models.CharField(max_length=150, verbose_name="created by")),
                ("old_mac", models.CharField(max_length=64)),
                ("mac", models.CharField(max_length=64)),
            ],
            options={
                "verbose_name": "ledger key rotation",
                "verbose_name_plural": "ledger key rotations",
                "ordering": ["pk"],
            },
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
        migrations.RunPython(triggers, no_triggers),
    ]
