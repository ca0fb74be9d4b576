"""The leases' list order (newest first) read from an index (issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rental", "0007_table_versions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="lease",
            index=models.Index(fields=["start", "id"], name="rental_lease_by_start"),
        ),
    ]
