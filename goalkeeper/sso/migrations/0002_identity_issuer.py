"""An identity keeps the issuer of its subject; sign-ins match on (provider, issuer, subject).

Identities made before keep their provider's issuer of now.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def issuer_of_now(apps, schema_editor):  # type: ignore[no-untyped-def]
    Identity = apps.get_model("sso", "Identity")
    Provider = apps.get_model("sso", "Provider")
    Identity.objects.update(
        issuer=Subquery(Provider.objects.filter(pk=OuterRef("provider_id")).values("issuer")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_single_sign_on")]

    operations = [
        migrations.AddField(
            model_name="identity",
            name="issuer",
            field=models.URLField(default="", max_length=500),
            preserve_default=False,
        ),
        migrations.RunPython(issuer_of_now, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="identity", name="sso_identity_one_per_subject"),
        migrations.AddConstraint(
            model_name="identity",
            constraint=models.UniqueConstraint(
                fields=("provider", "issuer", "subject"), name="sso_identity_one_per_subject"
            ),
        ),
    ]
