"""On PostgreSQL, a pattern index of each unit's upper-cased code (issue 17): a unit code search with letters
(P0001, gz-01) is `code__istartswith`, which Django writes `UPPER(code::text) LIKE UPPER('P0001%')`; the codes'
own index cannot serve that, so every code was read (65–69 ms over the demo city's 256k units). This index
serves it whatever the database's collation (text_pattern_ops compares bytes). A search without cased
letters uses the codes' own pattern index (`registry.queries.code_prefix`). Nothing on SQLite, whose
`LIKE` is case-insensitive for ASCII and is served as `code_prefix` says."""

from django.db import migrations

from anju.core.migration_ops import postgres_index


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_person_name_chars")]

    operations = [postgres_index("registry_unit_code_upper", "ON registry_unit (upper(code::text) text_pattern_ops)")]
