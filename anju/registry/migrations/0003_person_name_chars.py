"""On PostgreSQL, a GIN index of the characters of each person's upper-cased name (issue 17): the search by a
name part of one or two Chinese characters, which has no trigram, reads the persons holding those characters
instead of walking the names' index (`registry.queries.name_contains`). Nothing on SQLite."""

from django.db import migrations

from anju.core.migration_ops import postgres_index


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_person_search")]

    operations = [
        postgres_index(
            "registry_person_name_chars", "ON registry_person USING gin (string_to_array(upper(name::text), NULL))"
        )
    ]
