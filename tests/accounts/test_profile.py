"""A person's own profile (docs/navigation.md): name, language and theme, through one
audited service; the profile page and the user menu's quick theme switch."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goalkeeper.accounts.models import Person, User
from goalkeeper.accounts.services import update_profile
from goalkeeper.audit.models import AuditEntry
from tests.conftest import World

pytestmark = pytest.mark.django_db


def profile_entries(person: Person) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="person.profile_changed", object_id=person.pk))


def test_a_profile_change_is_saved_and_audited_with_what_changed(world: World) -> None:
    update_profile(person=world.viewer, name="  Vera Vue ", language="de", theme="dark")

    user = User.objects.get(pk=world.viewer.user_id)
    assert Person.objects.get(pk=world.viewer.pk).name == "Vera Vue"
    assert (user.full_name, user.language, user.theme) == ("Vera Vue", "de", "dark")
    [entry] = profile_entries(world.viewer)
    assert entry.actor_id == world.viewer.pk
    assert entry.workspace_id == world.acme.pk
    assert entry.changes == {
        "name": ["Vera Viewer", "Vera Vue"],
        "language": ["", "de"],
        "theme": ["system", "dark"],
    }


def test_saving_the_same_values_writes_no_audit_entry(world: World) -> None:
    update_profile(person=world.viewer, name="Vera Viewer", theme="system")

    assert profile_entries(world.viewer) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 151}, "name"),
        ({"language": "fr"}, "language"),
        ({"theme": "sepia", "name": "Vera Vue"}, "theme"),
        ({"email": "new@acme.test"}, "email"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    world: World, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        update_profile(person=world.viewer, **{"theme": "dark", **changes})

    assert field in refused.value.message_dict
    assert User.objects.get(pk=world.viewer.user_id).theme == "system"
    assert Person.objects.get(pk=world.viewer.pk).name == "Vera Viewer"
    assert profile_entries(world.viewer) == []


def test_the_profile_page_shows_the_email_and_saves_the_choices(world: World) -> None:
    client = world.client_for(world.viewer)

    page = client.get(reverse("profile"))
    response = client.post(
        reverse("profile"), {"name": "Vera Vue", "language": "en", "theme": "light"}
    )

    assert 'data-testid="profile-email">vera@acme.test<' in page.content.decode()
    assert response.status_code == 302
    user = User.objects.get(pk=world.viewer.user_id)
    assert (user.language, user.theme) == ("en", "light")


def test_the_profile_page_names_the_field_at_fault(world: World) -> None:
    response = world.client_for(world.viewer).post(
        reverse("profile"), {"name": "", "language": "", "theme": "dark"}
    )

    assert response.status_code == 400
    assert "field--error" in response.content.decode()
    assert User.objects.get(pk=world.viewer.user_id).theme == "system"


def test_the_chosen_theme_is_set_on_every_page(world: World) -> None:
    client = world.client_for(world.viewer)
    assert "data-theme" not in client.get(reverse("profile")).content.decode()[:200]

    client.post(reverse("profile_theme"), {"theme": "dark", "next": reverse("kpis")})

    html = client.get(reverse("kpis")).content.decode()
    assert '<html lang="en" data-theme="dark">' in html
    assert '<meta name="color-scheme" content="dark">' in html


def test_the_quick_switch_goes_back_to_the_page_it_was_on(world: World) -> None:
    response = world.client_for(world.viewer).post(
        reverse("profile_theme"), {"theme": "light", "next": "/kpis/?team=3"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/kpis/?team=3"


def test_the_quick_switch_never_sends_anyone_to_another_site(world: World) -> None:
    response = world.client_for(world.viewer).post(
        reverse("profile_theme"), {"theme": "light", "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("profile")


def test_the_quick_switch_refuses_an_unknown_theme(world: World) -> None:
    response = world.client_for(world.viewer).post(reverse("profile_theme"), {"theme": "sepia"})

    assert response.status_code == 400
    assert User.objects.get(pk=world.viewer.user_id).theme == "system"
