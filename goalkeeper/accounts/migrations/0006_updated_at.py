import django.utils.timezone
from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest


def backfill(apps, schema_editor):
    """People and teams last changed when they were written (a team: or archived)."""
    Person = apps.get_model("accounts", "Person")
    Team = apps.get_model("accounts", "Team")
    Person.objects.update(updated_at=F("created_at"))
    Team.objects.update(updated_at=Greatest("created_at", Coalesce("archived_at", "created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_invitation_title_teams_declined"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="team",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
