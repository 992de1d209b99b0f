"""Set the test provider up: its tables, a signing key, users, and Goalkeeper as a client.

    python prepare.py --redirect-uri URI --client-id ID --client-secret SECRET \
        --user EMAIL:NAME[:unverified] ...

Run with the provider's directory as the working directory and its environment
(PROVIDER_SITE_URL, PROVIDER_DB). Running it again updates the client and the users.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType, RSAKey  # noqa: E402

PASSWORD = "provider password"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redirect-uri", action="append", default=[])
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--user", action="append", default=[])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    client, _ = Client.objects.update_or_create(
        client_id=args.client_id,
        defaults={
            "name": "Goalkeeper",
            "client_type": "confidential",
            "client_secret": args.client_secret,
            "jwt_alg": "RS256",
            "require_consent": False,
            "_redirect_uris": "\n".join(args.redirect_uri),
        },
    )
    client.response_types.set([ResponseType.objects.get(value="code")])
    for spec in args.user:
        email, name, *rest = spec.split(":")
        user, _ = User.objects.update_or_create(
            username=email,
            defaults={"email": email, "first_name": name, "last_name": rest[0] if rest else ""},
        )
        user.set_password(PASSWORD)
        user.save()


if __name__ == "__main__":
    main()
