"""Version triggers on the persons, the units, the projects and the enterprises (issue 17): the persons API's
count of all persons and each project's unit count and floor area (the projects list and its API) are kept per
version of these tables (anju.core.kept) instead of counted over 252k persons or summed over a page of
projects' 28k units a view; the arrears board's figures read the projects and enterprises too."""

from django.db import migrations

from anju.core.migration_ops import watch_tables


class Migration(migrations.Migration):
    dependencies = [("core", "0013_table_version"), ("registry", "0004_unit_code_upper")]

    operations = [watch_tables("registry_person", "registry_unit", "registry_project", "registry_enterprise")]
