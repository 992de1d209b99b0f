import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce, Greatest


def backfill(apps, schema_editor):
    """A KPI last changed when it was written or archived."""
    Kpi = apps.get_model("kpis", "Kpi")
    Kpi.objects.update(updated_at=Greatest("created_at", Coalesce("archived_at", "created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0005_staged_upload_skipped"),
    ]

    operations = [
        migrations.AddField(
            model_name="kpi",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
