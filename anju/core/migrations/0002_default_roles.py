from django.db import migrations


def create_roles(apps, schema_editor):
    from anju.core.roles import DEFAULT_ROLES

    Role = apps.get_model("core", "Role")
    for spec in DEFAULT_ROLES:
        Role.objects.update_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
