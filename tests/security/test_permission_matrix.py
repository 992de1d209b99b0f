"""The permission matrix: every route of the project, for each of six personas.

Personas: admin, editor and viewer of Acme; the owner (a viewer of Acme who owns a key
result); the outsider (an admin of Globex); an anonymous visitor. For each route (found by
walking the URL resolver, see routes.py) and persona, a GET and every write method must
answer as the route's classification says:

- allowed: GET answers the route's status (200); a write is not refused (no 401, 403, 404
  or 405) and does not crash;
- anonymous and not public: a page redirects to the login page, the API answers 401;
- the outsider on a route about an Acme object: 404, never 403, so nothing leaks;
- in the workspace but without the role: 403 (or a redirect with an error message);
- refused or GET: nothing is written (the audit trail, which every write appends to,
  keeps its length);
- every page the outsider reads is free of Acme's names, and Acme's pages of Globex's.

A second test sends each Acme persona to every route about an object with Globex's ids:
404, for reads and writes alike, for every object type. A route naming two objects (a KPI
and one of its links, a webhook and one of its deliveries...) must also answer 404 when
only one of them is Globex's. And what is a person's own (an API token, a staged upload)
is missing for everyone else in the workspace, admins included.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from goalkeeper.audit.models import AuditEntry
from tests.conftest import Everything, World
from tests.security.conftest import MatrixIds
from tests.security.routes import (
    ACME_PERSONAS,
    ALLOWED,
    LENIENT,
    PENDING,
    PERSONAS,
    ROUTES,
    FoundRoute,
    Route,
    active_routes,
    build_url,
    classification,
    id_keys,
    project_routes,
    reads,
    write_methods,
)

FOUND = project_routes()
ACME_MARK = "Acme secret"
GLOBEX_MARK = "Globex secret"
# What only its maker reaches (see tests/security/conftest.py).
OWN_TYPES = frozenset({"api_token", "upload", "notification", "export"})


@pytest.fixture
def matrix(world: World, things: Everything, ids: MatrixIds) -> dict[str, Any]:
    return {"world": world, "things": things, "ids": ids, "globex": ids.globex}


def client_for(world: World, persona: str, kind: str) -> tuple[Client, dict[str, str]]:
    """A client acting as `persona`: a session for pages, a bearer token for the API."""
    if persona == "anonymous":
        return Client(), {}
    person = getattr(world, persona)
    if kind == "api":
        from goalkeeper.api.services import create_token

        _token, raw = create_token(actor=None, person=person, name="matrix")
        return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    return world.client_for(person), {}


def send(
    client: Client, method: str, url: str, headers: dict[str, str], spec: Route, ids: dict
) -> HttpResponse:
    data = spec.data(ids) if spec.data else {}
    if spec.kind == "api" and spec.multipart and method == "POST":
        return client.post(url, data, **headers)
    if spec.kind == "api" and method != "GET":
        return client.generic(
            method, url, json.dumps(data), content_type="application/json", **headers
        )
    if method == "GET":
        return client.get(url, **headers)
    if method == "POST":
        return client.post(url, data, **headers)
    return client.generic(method, url, "", **headers)


def is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def is_refusal(response: HttpResponse) -> bool:
    """403, or a redirect elsewhere than the login page that carries an error message."""
    if response.status_code == 403:
        return True
    if response.status_code != 302 or is_login_redirect(response):
        return False
    levels = {m.level_tag for m in get_messages(response.wsgi_request)}
    return bool(levels & {"error", "warning"})


def audit_length() -> int:
    return AuditEntry.objects.count()


def check(
    found: FoundRoute,
    spec: Route,
    persona: str,
    method: str,
    response: HttpResponse,
    wrote: bool,
) -> str | None:
    """What is wrong with `response`, or None."""
    status = response.status_code
    where = f"{method} {found.key} as {persona}: got {status}"
    is_read = method == "GET"
    role = spec.read if is_read else spec.write
    if is_read and role is None:
        if 200 <= status < 300:
            return f"{where}; GET must not succeed on a write-only route"
        return "writes on GET" if wrote else None
    assert role is not None
    overrides = spec.get_status if is_read else spec.write_status
    if persona in overrides:
        expected = overrides[persona]
        return None if status == expected else f"{where}, expected {expected}"
    allowed = persona in ALLOWED[role]
    if persona == "outsider" and spec.obj and role != "anyone":
        if status != 404:
            return f"{where}, expected 404 (an Acme object must look missing to Globex)"
    elif persona == "anonymous" and not allowed:
        if spec.kind == "api" and status != 401:
            return f"{where}, expected 401"
        if spec.kind != "api" and not is_login_redirect(response):
            return f"{where}, expected a redirect to the login page"
    elif not allowed:
        if not is_refusal(response):
            return f"{where}, expected 403 (or a redirect with an error message)"
    elif is_read:
        if status != spec.ok:
            return f"{where}, expected {spec.ok}"
    elif status in (401, 403, 404, 405) or status >= 500:
        return f"{where}; this persona may write here"
    refused = not allowed or (persona == "outsider" and spec.obj and role != "anyone")
    if wrote and (is_read or refused):
        return f"{method} {found.key} as {persona} appended to the audit trail"
    return None


def leaks(persona: str, response: HttpResponse) -> str | None:
    """Another workspace's names in a page or JSON answer."""
    if response.status_code != 200 or persona == "anonymous":
        return None
    if response.get("Content-Type", "").split(";")[0] not in ("text/html", "application/json"):
        return None
    text = response.content.decode(errors="replace")
    foreign = ACME_MARK if persona == "outsider" else GLOBEX_MARK
    return f"shows {foreign!r}" if foreign in text else None


def _skip_unclassified(found: FoundRoute) -> Route:
    if found.key in PENDING:
        pytest.skip(f"pending classification: {found.key} ({PENDING[found.key]})")
    spec = classification(found)
    if spec is not None:
        return spec
    if LENIENT:
        pytest.skip(f"unclassified (lenient mode): {found.key}")
    pytest.fail(
        f"{found.key} ({found.route}) is not classified: add it to ROUTES in "
        "tests/security/routes.py with who may read and who may write it"
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("found", FOUND, ids=[f.key for f in FOUND])
def test_route_answers_each_persona_as_classified(
    found: FoundRoute, persona: str, matrix: dict[str, Any]
) -> None:
    spec = _skip_unclassified(found)
    ids = matrix["ids"].acme_for(persona)
    url = build_url(found, spec, ids)
    problems = []
    methods = (("GET",) if reads(found, spec) else ()) + write_methods(found, spec)
    for method in methods:
        client, headers = client_for(matrix["world"], persona, spec.kind)
        before = audit_length()
        response = send(client, method, url, headers, spec, ids)
        problem = check(found, spec, persona, method, response, audit_length() != before)
        if problem:
            problems.append(problem)
        if method == "GET":
            leak = leaks(persona, response)
            if leak:
                problems.append(f"GET {found.key} as {persona} {leak}")
    assert not problems, "\n".join(problems)


OBJECT_ROUTES = [f for f, spec in active_routes() if spec.obj]
# Routes naming two objects or more, with each object the URL names: swapped alone for Globex's.
MIXED_ROUTES = [
    (found, key)
    for found, spec in active_routes()
    if spec.obj and len(keys := id_keys(found, spec)) > 1
    for key in keys
]
# Routes naming an object that only its maker reaches.
OWN_ROUTES = [
    (found, key)
    for found, spec in active_routes()
    if spec.obj
    for key in id_keys(found, spec)
    if key in OWN_TYPES
]


MISSING_ID = 987654321
# An id that exists nowhere, per object type whose URL converter is not an int.
MISSING = {"upload": "00000000-0000-4000-8000-000000000000"}


def must_look_missing(
    found: FoundRoute,
    persona: str,
    matrix: dict[str, Any],
    ids: dict[str, Any],
    key: str,
    whose: str,
) -> list[str]:
    """404 for every read and write of the route with `ids`, where `key` names an object
    that `persona` must not reach. A route whose role this persona lacks may refuse first
    (403) - but then it must answer exactly the same for an id that exists nowhere, so the
    answer says nothing about the object."""
    spec = ROUTES[found.key]
    url = build_url(found, spec, ids)
    missing_url = build_url(found, spec, {**ids, key: MISSING.get(key, MISSING_ID)})
    problems = []
    methods = (("GET",) if reads(found, spec) and spec.read else ()) + write_methods(found, spec)
    for method in methods:
        role = spec.read if method == "GET" else spec.write
        client, headers = client_for(matrix["world"], persona, spec.kind)
        before = audit_length()
        response = send(client, method, url, headers, spec, ids)
        if audit_length() != before:
            problems.append(f"{method} {found.key} wrote to {whose} {key} as Acme's {persona}")
        if response.status_code == 404:
            continue
        lacks_role = role is not None and persona not in ALLOWED[role]
        missing = send(client, method, missing_url, headers, spec, ids)
        if lacks_role and response.status_code == missing.status_code == 403:
            continue
        problems.append(
            f"{method} {found.key} with {whose} {key} as Acme's {persona}: "
            f"got {response.status_code} (and {missing.status_code} for an id that does "
            "not exist), expected 404"
        )
    return problems


@pytest.mark.parametrize("persona", ACME_PERSONAS)
@pytest.mark.parametrize("found", OBJECT_ROUTES, ids=[f.key for f in OBJECT_ROUTES])
def test_another_workspaces_object_is_missing_for_reads_and_writes(
    found: FoundRoute, persona: str, matrix: dict[str, Any]
) -> None:
    """404 for an object of Globex (all the route's ids are Globex's)."""
    spec = ROUTES[found.key]
    assert spec.obj is not None
    problems = must_look_missing(found, persona, matrix, matrix["globex"], spec.obj, "Globex's")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", ACME_PERSONAS)
@pytest.mark.parametrize(
    ("found", "key"), MIXED_ROUTES, ids=[f"{f.key}-{key}" for f, key in MIXED_ROUTES]
)
def test_one_object_of_another_workspace_among_acmes_is_missing(
    found: FoundRoute, key: str, persona: str, matrix: dict[str, Any]
) -> None:
    """404 when one object of the URL is Globex's and the others are Acme's: a route must
    check each id it takes, not only the first (a delivery under an Acme webhook...)."""
    ids = {**matrix["ids"].acme_for(persona), key: matrix["globex"][key]}
    problems = must_look_missing(found, persona, matrix, ids, key, "Globex's")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", ACME_PERSONAS)
@pytest.mark.parametrize(
    ("found", "key"), OWN_ROUTES, ids=[f"{f.key}-{key}" for f, key in OWN_ROUTES]
)
def test_another_persons_own_object_is_missing(
    found: FoundRoute, key: str, persona: str, matrix: dict[str, Any]
) -> None:
    """An API token or a staged upload of another Acme person: 404, admins included."""
    ids = {**matrix["ids"].acme_for(persona), key: matrix["ids"].acme[key]}
    problems = must_look_missing(found, persona, matrix, ids, key, "another person's")
    assert not problems, "\n".join(problems)


def test_every_route_is_classified() -> None:
    """A new route fails here until its author says who may read and write it."""
    unclassified = [
        f"{f.key} ({f.route})" for f in FOUND if f.key not in ROUTES and f.key not in PENDING
    ]
    if unclassified and LENIENT:
        pytest.skip("unclassified (lenient mode): " + ", ".join(unclassified))
    assert not unclassified, (
        "Classify these routes in tests/security/routes.py (ROUTES: who may read, who may "
        "write, which object the id names):\n" + "\n".join(unclassified)
    )


def test_the_table_names_only_routes_that_exist() -> None:
    keys = {f.key for f in FOUND}
    stale = sorted((set(ROUTES) | set(PENDING)) - keys)
    assert not stale, f"no such routes any more, remove them from routes.py: {stale}"


def test_every_object_type_is_covered_across_workspaces() -> None:
    """Each object type of the model is reached through at least one route in the
    cross-workspace test."""
    covered = {ROUTES[f.key].obj for f in OBJECT_ROUTES} | {key for _, key in MIXED_ROUTES}
    expected = {
        "objective",
        "key_result",
        "kpi",
        "team",
        "person",
        "cycle",
        "invitation",
        "subscription",
        "delivery",
        "api_token",
        "upload",
        "sync_run",
        "connection_test",
    }
    assert expected <= covered, f"no route reaches {sorted(expected - covered)}"


def matrix_size() -> tuple[int, int, int, int]:
    """(routes found, classified, pending, cells = routes x personas)."""
    classified = sum(1 for f in FOUND if f.key in ROUTES and f.key not in PENDING)
    pending = sum(1 for f in FOUND if f.key in PENDING)
    return len(FOUND), classified, pending, len(FOUND) * len(PERSONAS)


def test_matrix_size_is_reported() -> None:
    found, classified, pending, cells = matrix_size()
    print(
        f"\npermission matrix: {found} routes x {len(PERSONAS)} personas = {cells} cells "
        f"({classified} routes classified, {pending} pending); "
        f"{len(OBJECT_ROUTES)} object routes x {len(ACME_PERSONAS)} cross-workspace checks, "
        f"{len(MIXED_ROUTES)} mixed and {len(OWN_ROUTES)} another-person's x "
        f"{len(ACME_PERSONAS)}"
    )
    assert classified >= 30
    assert cells == found * 6
