import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce, Greatest


def backfill(apps, schema_editor):
    """A comment last changed when it was written or edited."""
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.update(updated_at=Greatest("created_at", Coalesce("edited_at", "created_at")))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
