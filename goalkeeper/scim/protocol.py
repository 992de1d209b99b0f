"""The SCIM 2.0 endpoints under /scim/v2/ (RFC 7644), for identity providers.

Thin: authenticate the bearer token, read the request, call `provisioning` for writes and
`resources` for answers. Everything is scoped to the token's workspace: an id of another
workspace is missing (404). Answers are `application/scim+json`; refusals take SCIM's
error shape (`errors.ScimError`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from goalkeeper.accounts.models import Invitation, Person, Team
from goalkeeper.scim import payloads, resources, services
from goalkeeper.scim.errors import ScimError, not_found
from goalkeeper.scim.filters import (
    GROUP_ATTRIBUTES,
    INVITATION_ATTRIBUTES,
    USER_ATTRIBUTES,
    to_query,
)
from goalkeeper.scim.models import ScimToken
from goalkeeper.scim.services import provisioning

CONTENT_TYPE = "application/scim+json"
DEFAULT_PAGE = 100
MAX_BODY = 1_000_000
# startIndex past this answers an empty page: no workspace holds a billion people.
MAX_START = 1_000_000_000
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")
_INVITATION_ID = re.compile(r"invitation-([0-9]{1,18})")
View = Callable[..., HttpResponse]


def answer(body: Any, status: int = 200, location: str | None = None) -> HttpResponse:
    """A SCIM JSON answer."""
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    if location:
        response["Location"] = location
    response["Cache-Control"] = "no-store"
    return response


def refusal(error: ScimError) -> HttpResponse:
    """A SCIM error answer."""
    response = answer(error.body(), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
    return response


def _token(request: HttpRequest) -> ScimToken:
    header = request.headers.get("Authorization", "")
    scheme, _space, raw = header.partition(" ")
    token = services.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise ScimError(401, "Authorization: a live SCIM token is needed (Bearer <token>)")
    return token


def endpoint(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Authenticate the SCIM token, allow `methods`, and answer any ScimError as SCIM does."""

    def decorate(view: View) -> View:
        @csrf_exempt  # the bearer token is the credential; no session is involved
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = _token(request)
                if request.method not in methods:
                    response = refusal(
                        ScimError(405, f"method: {request.method} is not allowed here")
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                return view(request, token, *args, **kwargs)
            except ScimError as error:
                return refusal(error)

        return wrapped

    return decorate


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise ScimError(413, f"body: larger than {MAX_BODY} bytes", "tooMany")
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ScimError(400, f"body: not JSON ({exc})", "invalidSyntax") from exc
    if not isinstance(payload, dict):
        raise ScimError(400, "body: must be a JSON object", "invalidSyntax")
    return payload


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/scim/v2")


def _paging(request: HttpRequest) -> tuple[int, int]:
    """(startIndex, count): 1-based, clamped to 1..`MAX_START` and 0..`resources.MAX_PAGE`."""
    values = []
    for name, default in (("startIndex", 1), ("count", DEFAULT_PAGE)):
        raw = request.GET.get(name, "").strip()
        if raw and not _WHOLE_NUMBER.fullmatch(raw):
            raise ScimError(400, f"{name}: must be a whole number", "invalidValue")
        values.append(int(raw) if raw else default)
    start, count = values
    return min(max(start, 1), MAX_START), min(max(count, 0), resources.MAX_PAGE)


def _excluded(request: HttpRequest) -> set[str]:
    raw = request.GET.get("excludedAttributes", "")
    return {part.strip().lower() for part in raw.split(",") if part.strip()}


def _person(token: ScimToken, scim_id: str) -> Person:
    person = (
        resources.people_of(token.workspace).filter(pk=int(scim_id)).first()
        if payloads.ID_PATTERN.fullmatch(scim_id)
        else None
    )
    if person is None:
        raise not_found("user", scim_id)
    return person


def _invitation(token: ScimToken, scim_id: str) -> Invitation | None:
    """The invitation an `invitation-<n>` id names (None for any other id); one that was
    declined, revoked or has expired is missing (404), so the identity provider adds the
    person again."""
    match = _INVITATION_ID.fullmatch(scim_id)
    if match is None:
        return None
    invitation = Invitation.objects.filter(
        workspace=token.workspace, pk=int(match.group(1))
    ).first()
    if invitation is None or not (invitation.is_pending() or invitation.accepted_by_id):
        raise not_found("user", scim_id)
    return invitation


def _team(token: ScimToken, scim_id: str, with_members: bool = True) -> Team:
    team = (
        resources.teams_of(token.workspace, with_members).filter(pk=int(scim_id)).first()
        if payloads.ID_PATTERN.fullmatch(scim_id)
        else None
    )
    if team is None:
        raise not_found("group", scim_id)
    return team


def _page(
    people: QuerySet[Person], invited: QuerySet[Invitation], start: int, count: int, base: str
) -> dict[str, Any]:
    """A page of the people, then the pending invitations, from `start` (1-based)."""
    first = start - 1
    people_total = people.count()
    invited_total = invited.count()
    total = people_total + invited_total
    page: list[dict[str, Any]] = []
    if count and first < people_total:
        page = [resources.user(p, base) for p in people[first : first + count]]
    left = count - len(page)
    if left > 0 and first + len(page) < total:
        offset = max(first - people_total, 0)
        page += [resources.invited_user(i, base) for i in invited[offset : offset + left]]
    return resources.listing(page, total, start)


def _user_answer(request: HttpRequest, token: ScimToken, added: Any, status: int) -> HttpResponse:
    base = _base(request)
    if isinstance(added, Invitation):
        body = resources.invited_user(added, base)
    else:
        body = resources.user(_person(token, str(added.pk)), base)
    return answer(body, status, body["meta"]["location"] if status == 201 else None)


# --- Discovery ------------------------------------------------------------------------------


@endpoint(("GET",))
def service_provider_config(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """GET /ServiceProviderConfig."""
    return answer(resources.service_provider_config(_base(request)))


@endpoint(("GET",))
def resource_types(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """GET /ResourceTypes."""
    found = resources.resource_types(_base(request))
    return answer(resources.listing(found, len(found), 1))


@endpoint(("GET",))
def schemas(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """GET /Schemas."""
    found = resources.schemas(_base(request))
    return answer(resources.listing(found, len(found), 1))


ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@endpoint(ALL_METHODS)
def unknown(request: HttpRequest, token: ScimToken, rest: str) -> HttpResponse:
    """Any other path under /scim/v2/ (Bulk, /Me...): 404 in SCIM's shape."""
    raise ScimError(404, f"path: /scim/v2/{rest} is no endpoint of Goalkeeper's")


# --- Users ----------------------------------------------------------------------------------


@endpoint(("GET", "POST"))
def users(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """GET a page of people (`filter`, `startIndex`, `count`); POST adds one."""
    if request.method == "POST":
        state = payloads.user_state(_body(request))
        added = provisioning.create_user(token, state)
        return _user_answer(request, token, added, 201)
    start, count = _paging(request)
    people = resources.people_of(token.workspace)
    invited = resources.pending_invitations_of(token.workspace)
    expression = request.GET.get("filter", "").strip()
    if expression:
        people = people.filter(to_query(expression, USER_ATTRIBUTES))
        invited = invited.filter(to_query(expression, INVITATION_ATTRIBUTES))
    return answer(_page(people, invited, start, count, _base(request)))


@endpoint(("GET", "PUT", "PATCH", "DELETE"))
def user(request: HttpRequest, token: ScimToken, scim_id: str) -> HttpResponse:
    """One person: read, replace, patch, or deactivate (DELETE)."""
    invitation = _invitation(token, scim_id)
    if invitation is not None:
        if invitation.accepted_by_id is None:
            return _invited(request, token, invitation)
        # Once they accept, the invitation's id is the person they became.
        scim_id = str(invitation.accepted_by_id)
    person = _person(token, scim_id)
    if request.method == "GET":
        return answer(resources.user(person, _base(request)))
    if request.method == "DELETE":
        provisioning.deactivate_user(token, person)
        return HttpResponse(status=204)
    payload = _body(request)
    state = (
        payloads.user_state(payload, active=person.is_active)
        if request.method == "PUT"
        else payloads.patched_user(person, payload)
    )
    provisioning.apply_user(token, person, state)
    return _user_answer(request, token, person, 200)


def _invited(request: HttpRequest, token: ScimToken, invitation: Invitation) -> HttpResponse:
    """Someone invited who has not accepted yet: readable and withdrawable (DELETE), not
    changeable."""
    if request.method == "GET":
        return answer(resources.invited_user(invitation, _base(request)))
    if request.method == "DELETE":
        provisioning.withdraw_invitation(token, invitation)
        return HttpResponse(status=204)
    raise ScimError(
        409, "id: this person is invited; they can be changed once they accept", "mutability"
    )


# --- Groups ---------------------------------------------------------------------------------


@endpoint(("GET", "POST"))
def groups(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """GET a page of teams (`filter`, `startIndex`, `count`); POST creates one."""
    base = _base(request)
    if request.method == "POST":
        state = payloads.group_state(token, _body(request))
        team = provisioning.create_group(token, state)
        body = resources.group(_team(token, str(team.pk)), base)
        return answer(body, 201, body["meta"]["location"])
    start, count = _paging(request)
    with_members = "members" not in _excluded(request)
    teams = resources.teams_of(token.workspace, with_members)
    expression = request.GET.get("filter", "").strip()
    if expression:
        teams = teams.filter(to_query(expression, GROUP_ATTRIBUTES))
    total = teams.count()
    page = (
        [resources.group(t, base, with_members) for t in teams[start - 1 : start - 1 + count]]
        if count and start <= total
        else []
    )
    return answer(resources.listing(page, total, start))


@endpoint(("GET", "PUT", "PATCH", "DELETE"))
def group(request: HttpRequest, token: ScimToken, scim_id: str) -> HttpResponse:
    """One team: read, replace, patch (rename, members), or archive (DELETE)."""
    base = _base(request)
    with_members = "members" not in _excluded(request)
    team = _team(token, scim_id, with_members)
    if request.method == "GET":
        return answer(resources.group(team, base, with_members))
    if request.method == "DELETE":
        provisioning.archive_group(token, team)
        return HttpResponse(status=204)
    payload = _body(request)
    state = (
        payloads.group_state(token, payload)
        if request.method == "PUT"
        else payloads.patched_group(token, team, payload)
    )
    provisioning.apply_group(token, team, state)
    return answer(resources.group(_team(token, scim_id), base))
