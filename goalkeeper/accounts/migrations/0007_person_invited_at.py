"""People added before this field existed have all joined: their `invited_at` stays null.

(The people an import added deactivated keep that state; an admin lets them in from their
page as before.)
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="invited_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
