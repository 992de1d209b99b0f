import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce, Greatest


def backfill(apps, schema_editor):
    """A source last changed with its latest run."""
    DataSource = apps.get_model("sources", "DataSource")
    DataSource.objects.update(
        updated_at=Greatest("created_at", Coalesce("last_run_at", "created_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_connection_test"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasource",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
