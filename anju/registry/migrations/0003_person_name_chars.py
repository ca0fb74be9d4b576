"""On PostgreSQL, a GIN index of the characters of each person's upper-cased name (issue 17): the search by a
name part of one or two Chinese characters, which has no trigram, reads the persons holding those characters
instead of walking the names' index (`registry.queries.name_contains`). Nothing on SQLite."""

from django.db import migrations

INDEX = "registry_person_name_chars"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON registry_person USING gin (string_to_array(upper(name::text), NULL))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_search")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
