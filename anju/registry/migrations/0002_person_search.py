"""Search by an index (issue 17).

- person.id_tail: the ID number's last 4 characters, kept by the database (a stored generated column),
  indexed; a search by a name and the number's last digits reads this index.
- person.phone indexed (a search by phone number).
- person.initials recomputed with the surname read as a surname (单 s, 曾 z, 解 x, 仇 q ...), in chunks
  with bulk_update, only rows whose initials change.
- On PostgreSQL, pg_trgm GIN indexes on the names, addresses and initials of persons, enterprises and
  projects (name ILIKE '%…%'). CREATE EXTENSION needs a role that may create it (a superuser, or the
  database's owner since pg_trgm is a trusted extension); without that the indexes are left out with a
  notice and search still answers, by a scan."""

import django.db.models.functions.text
from django.db import migrations, models, transaction

CHUNK = 2000

TRIGRAM_INDEXES = [
    ("registry_person_name_trgm", "registry_person", "name"),
    ("registry_person_address_trgm", "registry_person", "address"),
    ("registry_person_initials_trgm", "registry_person", "initials"),
    ("registry_enterprise_name_trgm", "registry_enterprise", "name"),
    ("registry_enterprise_initials_trgm", "registry_enterprise", "initials"),
    ("registry_project_name_trgm", "registry_project", "name"),
    ("registry_project_address_trgm", "registry_project", "address"),
    ("registry_project_initials_trgm", "registry_project", "initials"),
]


def surname_initials(apps, schema_editor):
    from anju.lib.pinyin import person_initials

    Person = apps.get_model("registry", "Person")
    last = 0
    while True:
        rows = list(
            Person.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "name", "initials")[:CHUNK]
        )
        if not rows:
            return
        changed = []
        for pk, name, initials in rows:
            new = person_initials(name)
            if new != initials:
                changed.append(Person(pk=pk, initials=new))
        Person.objects.bulk_update(changed, ["initials"], batch_size=500)
        last = rows[-1][0]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # noqa: BLE001 - a role without the right: leave the indexes out
            print(f"\n  pg_trgm not available ({error}); registry search runs without trigram indexes")
            return
        for name, table, column in TRIGRAM_INDEXES:
            cursor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in TRIGRAM_INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="id_tail",
            field=models.GeneratedField(
                db_index=True,
                db_persist=True,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Right("id_number", 4)
                ),
                output_field=models.CharField(max_length=4),
                verbose_name="ID number's last 4 characters",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["phone"], name="registry_pe_phone_b7b4ca_idx"),
        ),
        migrations.RunPython(surname_initials, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
