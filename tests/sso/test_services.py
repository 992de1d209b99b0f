"""Single sign-on's writes: the provider settings and who a sign-in lets in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from goalkeeper.accounts.models import Person, Role, User
from goalkeeper.accounts.services import add_person, deactivate_person
from goalkeeper.audit.models import AuditEntry
from goalkeeper.sso import services
from goalkeeper.sso.models import AllowedDomain, Identity, Provider
from goalkeeper.sso.sealed import unseal
from tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "s3cret-of-the-client"


def _settings(**changes: Any) -> services.ProviderSettings:
    values: dict[str, Any] = {
        "enabled": True,
        "issuer": "https://login.acme.test/realms/acme",
        "client_id": "goalkeeper",
        "client_secret": SECRET,
        "allowed_domains": "acme.test",
        "default_role": Role.VIEWER,
    }
    return services.ProviderSettings(**{**values, **changes})


def _provider(world: World, **changes: Any) -> Provider:
    return services.save_provider(
        actor=world.admin, workspace=world.acme, settings=_settings(**changes)
    )


def _claims(email: str, sub: str = "", verified: bool = True, **extra: Any) -> dict[str, Any]:
    return {"sub": sub or f"sub-{email}", "email": email, "email_verified": verified, **extra}


def test_the_client_secret_is_sealed_and_never_in_the_audit_trail(world: World) -> None:
    provider = _provider(world)
    assert SECRET not in provider.sealed_secret
    assert unseal(provider.sealed_secret) == SECRET
    entry = AuditEntry.objects.get(action="sso.created")
    assert SECRET not in str(entry.changes)
    assert entry.changes["client_secret"] == ["", "…"]


def test_an_empty_secret_keeps_the_sealed_one(world: World) -> None:
    sealed = _provider(world).sealed_secret
    provider = _provider(world, client_secret="", client_id="other")
    assert provider.sealed_secret == sealed
    assert "client_secret" not in AuditEntry.objects.get(action="sso.updated").changes


def test_allowed_domains_are_kept_normalised(world: World) -> None:
    provider = _provider(world, allowed_domains="@ACME.test, acme.test.\nacme.test")
    assert list(provider.domains.values_list("domain", flat=True)) == ["acme.test"]


def test_a_domain_the_admin_has_no_login_email_at_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _provider(world, allowed_domains="acme.test\nvictim.test")
    assert refused.value.message_dict["allowed_domains"] == [
        "victim.test: only an admin whose own login email is at a domain can add it "
        "(yours is at acme.test)"
    ]
    assert not Provider.objects.exists()


@pytest.mark.parametrize("domain", ["gmail.com", "outlook.com", "proton.me", "web.de"])
def test_a_public_mail_domain_is_refused_even_to_an_admin_with_an_address_there(
    world: World, domain: str
) -> None:
    admin = add_person(
        actor=None, workspace=world.acme, email=f"ada@{domain}", name="Ada", role=Role.ADMIN
    )
    with pytest.raises(ValidationError) as refused:
        services.save_provider(
            actor=admin, workspace=world.acme, settings=_settings(allowed_domains=domain)
        )
    assert refused.value.message_dict["allowed_domains"] == [
        f"{domain}: a public mail provider's domain, where anyone can get an address; a "
        "workspace cannot claim it"
    ]


def test_a_domain_already_allowed_stays_when_another_admin_saves(world: World) -> None:
    _provider(world)
    admin = add_person(
        actor=None, workspace=world.acme, email="it@corp.test", name="IT", role=Role.ADMIN
    )
    provider = services.save_provider(
        actor=admin, workspace=world.acme, settings=_settings(client_id="renamed")
    )
    assert list(provider.domains.values_list("domain", flat=True)) == ["acme.test"]


def test_a_domain_saved_by_another_workspace_meanwhile_is_a_field_error(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    globex = Provider.objects.create(workspace=world.globex, issuer="https://globex.test")
    AllowedDomain.objects.create(provider=globex, domain="acme.test")
    # The other workspace's save lands between the check and the write.
    monkeypatch.setattr(services, "_taken", lambda workspace, domains: [])
    with pytest.raises(ValidationError) as refused:
        _provider(world)
    assert refused.value.message_dict["allowed_domains"] == [
        "already signs in to another workspace: acme.test"
    ]


def test_a_domain_of_another_workspace_is_refused(world: World) -> None:
    _provider(world)
    with pytest.raises(ValidationError) as refused:
        services.save_provider(
            actor=world.outsider,
            workspace=world.globex,
            settings=_settings(allowed_domains="acme.test"),
        )
    assert refused.value.message_dict["allowed_domains"] == [
        "already signs in to another workspace: acme.test"
    ]


def test_a_piece_that_is_not_a_domain_is_named(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _provider(world, allowed_domains="acme.test, not a domain!")
    assert "not a domain: not, a, domain!" in refused.value.message_dict["allowed_domains"][0]


def test_turning_on_needs_issuer_client_secret_and_domains(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _provider(world, issuer="", client_id="", client_secret="", allowed_domains="")
    assert set(refused.value.message_dict) == {
        "issuer",
        "client_id",
        "client_secret",
        "allowed_domains",
    }


def test_a_plain_http_issuer_is_refused_unless_the_allow_setting_lets_it_in(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        _provider(world, issuer="http://login.acme.test")
    assert refused.value.message_dict["issuer"] == ["the issuer must be an https:// address"]
    assert _provider(world, issuer="http://127.0.0.1:9000/openid").issuer.startswith("http://")


def test_an_email_or_a_workspace_finds_the_enabled_provider(world: World) -> None:
    provider = _provider(world)
    assert services.provider_for("Nora@ACME.test") == provider
    assert services.provider_for(world.acme.slug) == provider
    assert services.provider_for("nora@other.test") is None
    _provider(world, enabled=False)
    assert services.provider_for("nora@acme.test") is None


def test_a_first_sign_in_creates_a_login_and_a_person_with_the_default_role(world: World) -> None:
    provider = _provider(world, default_role=Role.EDITOR)
    person = services.sign_in(provider=provider, claims=_claims("nora@acme.test", name="Nora New"))
    assert (person.workspace, person.role, person.name) == (world.acme, Role.EDITOR, "Nora New")
    assert not person.user.has_usable_password()
    assert AuditEntry.objects.filter(action="sso.linked", object_id=person.pk).exists()


def test_a_known_subject_signs_in_as_its_login_even_with_a_new_email(world: World) -> None:
    provider = _provider(world)
    first = services.sign_in(provider=provider, claims=_claims("nora@acme.test", sub="42"))
    again = services.sign_in(provider=provider, claims=_claims("nora.new@acme.test", sub="42"))
    assert again == first
    assert Identity.objects.count() == 1


def test_an_existing_login_with_a_verified_email_joins_the_workspace(world: World) -> None:
    gina = add_person(actor=None, workspace=world.globex, email="gina@acme.test", name="Gina")
    person = services.sign_in(provider=_provider(world), claims=_claims("gina@acme.test"))
    assert person.user == gina.user
    assert (person.workspace, person.role) == (world.acme, Role.VIEWER)


def test_an_existing_person_keeps_their_role(world: World) -> None:
    person = services.sign_in(provider=_provider(world), claims=_claims("eddie@acme.test"))
    assert person == world.editor
    assert person.role == Role.EDITOR


def test_an_existing_login_with_an_unverified_email_is_refused(world: World) -> None:
    with pytest.raises(services.SignInRefusedError, match="does not confirm"):
        services.sign_in(
            provider=_provider(world), claims=_claims("eddie@acme.test", verified=False)
        )
    assert not Identity.objects.exists()


def test_a_verified_flag_sent_as_text_counts(world: World) -> None:
    claims = {**_claims("eddie@acme.test"), "email_verified": "true"}
    assert services.sign_in(provider=_provider(world), claims=claims) == world.editor


def test_an_email_of_a_domain_not_allowed_is_refused(world: World) -> None:
    with pytest.raises(services.SignInRefusedError, match=r"other\.test is not among"):
        services.sign_in(provider=_provider(world), claims=_claims("olga@other.test"))
    assert not User.objects.filter(email="olga@other.test").exists()


def test_a_deactivated_person_is_refused(world: World) -> None:
    deactivate_person(actor=world.admin, person=world.viewer, new_owner=None)
    with pytest.raises(services.SignInRefusedError, match="deactivated"):
        services.sign_in(provider=_provider(world), claims=_claims("vera@acme.test"))


def test_a_turned_off_provider_signs_no_one_in(world: World) -> None:
    provider = _provider(world)
    _provider(world, enabled=False)
    with pytest.raises(services.SignInRefusedError, match="turned off"):
        services.sign_in(provider=provider, claims=_claims("nora@acme.test"))
    assert not Person.objects.filter(user__email="nora@acme.test").exists()


def test_an_identity_of_another_issuer_does_not_sign_in(world: World) -> None:
    provider = _provider(world)
    nora = services.sign_in(provider=provider, claims=_claims("nora@acme.test", sub="s-1"))
    # The provider row now names another issuer, its identities still there.
    Provider.objects.filter(pk=provider.pk).update(issuer="https://evil.test")
    provider.refresh_from_db()
    person = services.sign_in(provider=provider, claims=_claims("mallory@acme.test", sub="s-1"))
    assert person.user.email == "mallory@acme.test"
    assert person.user != nora.user


def test_changing_the_issuer_forgets_the_identities_with_an_audit_entry(world: World) -> None:
    provider = _provider(world)
    services.sign_in(provider=provider, claims=_claims("nora@acme.test", sub="s-1"))
    _provider(world, issuer="https://login.elsewhere.test/realms/acme")
    assert not Identity.objects.exists()
    entry = AuditEntry.objects.get(action="sso.identities_forgotten")
    assert entry.changes == {"identities": [1, 0]}


def test_changing_the_client_forgets_the_identities(world: World) -> None:
    provider = _provider(world)
    services.sign_in(provider=provider, claims=_claims("nora@acme.test", sub="s-1"))
    _provider(world, client_id="another-client")
    assert not Identity.objects.exists()


def test_a_subject_of_the_old_issuer_does_not_reach_its_login_after_the_change(
    world: World,
) -> None:
    provider = _provider(world)
    services.sign_in(provider=provider, claims=_claims("eddie@acme.test", sub="s-1"))
    provider = _provider(world, issuer="https://login.elsewhere.test/realms/acme")
    with pytest.raises(services.SignInRefusedError, match="does not confirm"):
        services.sign_in(
            provider=provider, claims=_claims("eddie@acme.test", sub="s-1", verified=False)
        )


def test_keeping_the_issuer_and_client_keeps_the_identities(world: World) -> None:
    provider = _provider(world)
    services.sign_in(provider=provider, claims=_claims("nora@acme.test", sub="s-1"))
    _provider(world, default_role=Role.EDITOR)
    assert Identity.objects.filter(issuer=provider.issuer, subject="s-1").exists()


def test_a_plain_http_issuer_needs_the_outbound_allow_setting(world: World, settings: Any) -> None:
    settings.OUTBOUND_ALLOW = []
    with pytest.raises(ValidationError) as refused:
        _provider(world, issuer="http://127.0.0.1:9000/openid")
    assert refused.value.message_dict["issuer"] == ["the issuer must be an https:// address"]


def test_a_public_mail_domain_claimed_before_the_check_signs_nobody_in(world: World) -> None:
    provider = _provider(world)
    AllowedDomain.objects.create(provider=provider, domain="gmail.com")
    assert services.provider_for("someone@gmail.com") is None
    with pytest.raises(services.SignInRefusedError, match=r"gmail\.com is not among"):
        services.sign_in(provider=provider, claims=_claims("someone@gmail.com"))
