import django.utils.timezone
from django.db import migrations, models
from django.db.models import F, Min
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone


def backfill(apps, schema_editor):
    """Sensible first values: a key result last changed with its latest check-in, an
    objective when it was closed, a cycle when its first objective was written (or now)."""
    Objective = apps.get_model("okrs", "Objective")
    KeyResult = apps.get_model("okrs", "KeyResult")
    Cycle = apps.get_model("okrs", "Cycle")
    KeyResult.objects.update(
        updated_at=Greatest("created_at", Coalesce("last_check_in_at", "created_at"))
    )
    Objective.objects.filter(closed_at__gt=F("updated_at")).update(updated_at=F("closed_at"))
    now = timezone.now()
    for cycle in Cycle.objects.annotate(first=Min("objectives__created_at")):
        created = min(cycle.first or now, now)
        changed = max(created, cycle.closed_at or created)
        Cycle.objects.filter(pk=cycle.pk).update(created_at=created, updated_at=changed)


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0004_cascade"),
    ]

    operations = [
        migrations.AddField(
            model_name="cycle",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="cycle",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="keyresult",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
