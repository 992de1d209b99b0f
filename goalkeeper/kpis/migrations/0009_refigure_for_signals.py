from django.db import migrations


def refigure(apps, schema_editor):
    """Every row is figured again (its process signal with it) by the refresh that follows
    a migration; a row figured for the first time announces no signal."""
    Kpi = apps.get_model("kpis", "Kpi")
    Kpi.objects.update(figures_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0008_measurement_change_stamps"),
    ]

    operations = [
        migrations.RunPython(refigure, migrations.RunPython.noop),
    ]
