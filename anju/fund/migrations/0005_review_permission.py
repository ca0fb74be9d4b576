from django.db import migrations

GRANT = "fund:review"


def grant_review(apps, schema_editor):
    # Databases migrated before the review step existed: give finance (人事财务部) the 审核 permission
    # the default roles now carry. A fresh database already has it from core's default roles.
    Role = apps.get_model("core", "Role")
    for role in Role.objects.filter(code="finance"):
        if GRANT not in role.permissions:
            role.permissions = [*role.permissions, GRANT]
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_default_roles"), ("fund", "0004_use_applications")]
    operations = [migrations.RunPython(grant_review, migrations.RunPython.noop)]
