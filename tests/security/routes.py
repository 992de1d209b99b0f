"""Every route of the project, found by walking the URL resolver, and its classification.

The permission matrix, the escaping test and the CSRF test all read this module. A route
added anywhere (pages, htmx fragments, the API under /api/v1/) shows up here by itself, and
the tests fail until it has an entry in ROUTES saying who may read and who may write it.

Roles, from the issue: `admin` (people, teams, cycles, settings, data sources, webhooks),
`editor` (objectives, key results, KPIs, check-ins), `viewer` (read only); the owner of a
key result may always check in on it (`checkin`). `member` is any active person of the
workspace; `anyone` includes anonymous visitors.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("admin", "editor", "viewer", "owner", "outsider", "anonymous")
ACME_PERSONAS = ("admin", "editor", "viewer", "owner")

# Who each role lets in. The outsider is an admin of Globex: on routes about an Acme
# object they must get 404, whatever their role; elsewhere they act in their own workspace.
ALLOWED: dict[str, frozenset[str]] = {
    "anyone": frozenset(PERSONAS),
    "member": frozenset({"admin", "editor", "viewer", "owner", "outsider"}),
    "checkin": frozenset({"admin", "editor", "owner", "outsider"}),
    "editor": frozenset({"admin", "editor", "outsider"}),
    "admin": frozenset({"admin", "outsider"}),
}

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    """How one route must answer each persona.

    kind: "page" (HTML: anonymous visitors are sent to log in) or "api" (JSON: 401).
    read: who may GET it; None when GET is not how it is used (it must then never 2xx).
    write: who may POST/PUT/PATCH/DELETE to it; None when it takes no writes.
    obj: the object type its id names (`<int:pk>`, `<id>`...): the matrix fills in an Acme
        object's id, and expects 404 for the outsider.
    methods: the write methods to try (default POST for pages; read from the API operation).
    params: URL values that are not object ids, e.g. {"object_type": "objective"}.
    data: the form or JSON body of the writes, from the Acme ids (default: empty).
    multipart: the API write takes a form with a file (`data` gives its fields and file).
    get_status: exact GET status per persona, for routes with their own rules (login...).
    write_status: the same for the writes.
    shows: object types whose names the page displays (the escaping test expects them).
    """

    kind: str
    read: str | None = "member"
    write: str | None = None
    obj: str | None = None
    methods: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    multipart: bool = False
    get_status: Mapping[str, int] = field(default_factory=dict)
    write_status: Mapping[str, int] = field(default_factory=dict)
    shows: frozenset[str] = frozenset()
    ok: int = 200


def _page(read: str | None = "member", write: str | None = None, **kw: Any) -> Route:
    return Route("page", read=read, write=write, **kw)


def _api(read: str | None = None, write: str | None = None, **kw: Any) -> Route:
    return Route("api", read=read, write=write, **kw)


def _scim(write: tuple[str, ...] = (), **kw: Any) -> Route:
    """A SCIM endpoint (/scim/v2/): only a SCIM token of the workspace opens it, which no
    persona holds (a session or a personal API token is no SCIM token): 401 for everyone.
    tests/scim sends an identity provider's requests with one, across workspaces too."""
    everyone_401 = dict.fromkeys(PERSONAS, 401)
    return Route(
        "api",
        read="anyone",
        write="anyone" if write else None,
        methods=write,
        get_status=everyone_401,
        write_status=everyone_401,
        **kw,
    )


def _shows(*types: str) -> frozenset[str]:
    return frozenset(types)


LOGGED_IN = ("admin", "editor", "viewer", "owner", "outsider")

ROUTES: dict[str, Route] = {
    # --- web: shell --------------------------------------------------------------------------
    # home: the web owner adds `shows` once the page settles (it reads the active cycle).
    "home": _page(),
    "healthz": _page(read="anyone"),
    "login": _page(
        read="anyone",
        write="anyone",
        get_status={"anonymous": 200, **dict.fromkeys(LOGGED_IN, 302)},
    ),
    "logout": _page(read=None, write="anyone"),
    # --- accounts ----------------------------------------------------------------------------
    "password_change": _page(write="member"),
    "password_change_done": _page(),
    "password_reset": _page(read="anyone", write="anyone"),
    "password_reset_done": _page(read="anyone"),
    "password_reset_confirm": _page(
        read="anyone", write="anyone", params={"uidb64": "MTIzNDU", "token": "set-password"}
    ),
    "password_reset_complete": _page(read="anyone"),
    "invite_accept": _page(
        read="anyone",
        write="anyone",
        params={"token": "{invitation_token}"},
        # The link is for someone not yet signed in: a signed-in person is told to log out.
        get_status={"anonymous": 200, **dict.fromkeys(LOGGED_IN, 403)},
        # An empty form is refused (400); a signed-in person still gets 403.
        write_status={"anonymous": 400, **dict.fromkeys(LOGGED_IN, 403)},
    ),
    "workspace_switch": _page(
        read=None,
        write="member",
        obj="workspace",
        data=lambda ids: {"workspace": ids["workspace"]},
    ),
    "admin": _page(read="admin", shows=_shows("objective", "key_result", "kpi", "person")),
    "admin_people": _page(read="admin", shows=_shows("person", "team")),
    "admin_invite": _page(read="admin", write="admin"),
    "admin_person_edit": _page(
        read="admin", write="admin", obj="person", shows=_shows("person", "team")
    ),
    "admin_person_deactivate": _page(read="admin", write="admin", obj="person"),
    "admin_person_reactivate": _page(read=None, write="admin", obj="person"),
    "admin_invite_revoke": _page(read=None, write="admin", obj="invitation"),
    "admin_person_invite": _page(read=None, write="admin", obj="person"),
    "admin_people_invite_all": _page(read=None, write="admin"),
    "admin_teams": _page(read="admin", write="admin", shows=_shows("team")),
    "admin_team_edit": _page(read="admin", write="admin", obj="team", shows=_shows("team")),
    "admin_team_archive": _page(read=None, write="admin", obj="team"),
    "admin_team_restore": _page(read=None, write="admin", obj="team"),
    "workspace_settings": _page(read="admin", write="admin"),
    # --- single sign-on -----------------------------------------------------------------------
    "sso_start": _page(
        read="anyone",
        write="anyone",
        get_status={"anonymous": 200, **dict.fromkeys(LOGGED_IN, 302)},
        # An empty form is refused (400); a signed-in person is sent home.
        write_status={"anonymous": 400, **dict.fromkeys(LOGGED_IN, 302)},
    ),
    # The provider's answer, without a sign-in started here: refused for everyone.
    "sso_callback": _page(read="anyone", get_status=dict.fromkeys(PERSONAS, 400)),
    "sso_settings": _page(read="admin", write="admin"),
    "sso_test": _page(read=None, write="admin"),
    # --- two-factor: the login's code step, a person's own setup, the admin's requirement ----
    # The code step is for a login that just passed its password: without one, everybody is
    # sent to the login page (a signed-in person from there to home).
    "login_code": _page(
        read="anyone",
        write="anyone",
        get_status=dict.fromkeys(PERSONAS, 302),
        write_status=dict.fromkeys(PERSONAS, 302),
    ),
    "twofactor": _page(),
    "twofactor_setup": _page(read=None, write="member"),
    "twofactor_confirm": _page(read=None, write="member"),
    "twofactor_disable": _page(read=None, write="member"),
    "twofactor_recovery_codes": _page(read=None, write="member"),
    "twofactor_requirement": _page(read="admin", write="admin"),
    # --- digests: the schedule section of the settings page ----------------------------------
    "digest_schedule": _page(read="admin", write="admin"),
    # Pickers' searches (JSON): any member, within their own workspace (tests/web/test_pickers.py).
    "pick_people": _page(),
    "pick_teams": _page(),
    # --- audit -------------------------------------------------------------------------------
    "admin_audit": _page(read="admin", shows=_shows("objective", "key_result", "kpi", "team")),
    "admin_audit_export": _page(read="admin"),
    "object_history": _page(
        obj="objective",
        params={"object_type": "objective"},
        shows=_shows("objective", "key_result", "person"),
    ),
    # --- okrs (pages; classified provisionally while they are being built) ------------------
    "cycles": _page(),
    "cycle_board": _page(obj="cycle", shows=_shows("objective")),
    # --- reports: the cycle review and its documents (any member, like the board) ---------
    "cycle_review": _page(obj="cycle", shows=_shows("team")),
    "cycle_review_pdf": _page(obj="cycle"),
    "cycle_review_pptx": _page(obj="cycle"),
    "cycle_review_xlsx": _page(obj="cycle"),
    "objective_detail": _page(obj="objective", shows=_shows("objective", "key_result")),
    "objective_create": _page(read="editor", write="editor"),
    "objective_bulk": _page(read=None, write="editor"),
    "objective_edit": _page(read="editor", write="editor", obj="objective"),
    "objective_delete": _page(read="editor", write="editor", obj="objective"),
    "key_result_create": _page(read="editor", write="editor", obj="objective"),
    "key_result_edit": _page(read="editor", write="editor", obj="key_result"),
    "key_result_delete": _page(read="editor", write="editor", obj="key_result"),
    "key_result_check_in": _page(read="checkin", write="checkin", obj="key_result"),
    "key_result_row": _page(obj="key_result", shows=_shows("key_result")),
    "key_result_odds": _page(obj="key_result", shows=_shows("key_result")),
    # Check in on everything: the page lists the caller's own key results; a row takes the
    # same check-in as `key_result_check_in` (the objective's owner also, for one without).
    "check_in_all": _page(),
    "check_in_all_row": _page(read=None, write="checkin", obj="key_result"),
    # A draft's review: its owner or an editor submits it; the reviewer or an admin decides.
    "objective_review_request": _page(read="editor", write="editor", obj="objective"),
    "objective_review": _page(read="admin", write="admin", obj="objective"),
    # Every member may read the list of cycles; only admins act on it (buttons are hidden).
    "cycle_list": _page(),
    "objective_validate": _page(read=None, write="editor"),
    "key_result_validate": _page(
        read=None, write="editor", obj="objective", data=lambda ids: {"objective": ids["objective"]}
    ),
    "cycle_create": _page(read="admin", write="admin"),
    "cycle_edit": _page(read="admin", write="admin", obj="cycle"),
    "cycle_activate": _page(read=None, write="admin", obj="cycle"),
    "cycle_close": _page(read="admin", write="admin", obj="cycle"),
    "cycle_carry_over": _page(read="admin", write="admin", obj="cycle"),
    "alignment": _page(),
    "pick_objectives": _page(),
    "pick_key_results": _page(),
    "alignment_cycle": _page(obj="cycle"),
    # A node's supporting objectives for htmx; a plain GET is sent to the tree opened on it.
    "alignment_children": _page(obj="objective", ok=302),
    # The strategy map and its JSON answers (nodes a level at a time, search): any member,
    # within their own workspace; cycle and objective ids come in the query string
    # (tests/insights_map/test_views.py checks another workspace's are missing).
    "strategy_map": _page(shows=_shows("objective")),
    "strategy_map_nodes": _page(),
    "strategy_map_search": _page(),
    # --- kpis (pages) ------------------------------------------------------------------------
    "kpis": _page(shows=_shows("kpi")),
    # --- insights ------------------------------------------------------------------------------
    "insights": _page(shows=_shows("objective", "team")),
    "kpi_create": _page(read="editor", write="editor"),
    "pick_kpis": _page(),
    "kpi_detail": _page(obj="kpi", shows=_shows("kpi")),
    "kpi_edit": _page(read="editor", write="editor", obj="kpi"),
    "kpi_baseline": _page(read=None, write="editor", obj="kpi"),
    "kpi_upload": _page(read="editor", write="editor", obj="kpi"),
    "kpi_flag": _page(read=None, write="editor", obj="kpi"),
    "kpi_link": _page(read=None, write="editor", obj="kpi"),
    "kpi_values": _page(read="editor", write="editor", obj="kpi"),
    # A staged upload is its maker's: each persona previews and writes their own.
    "kpi_archive": _page(read="editor", write="editor", obj="kpi", shows=_shows("kpi")),
    "kpi_restore": _page(read=None, write="editor", obj="kpi"),
    "kpi_delete": _page(read="editor", write="editor", obj="kpi", shows=_shows("kpi")),
    "kpi_value_edit": _page(
        read="editor", write="editor", obj="kpi", params={"measurement_id": "{measurement}"}
    ),
    "kpi_bulk": _page(read=None, write="editor"),
    "kpi_upload_preview": _page(
        read="editor", write="editor", obj="kpi", params={"token": "{upload}"}, shows=_shows("kpi")
    ),
    "kpi_unlink": _page(
        read=None, write="editor", obj="kpi", params={"key_result_id": "{linked_key_result}"}
    ),
    "key_result_promote": _page(read="editor", write="editor", obj="key_result"),
    # The cascade's pages (docs/cascade.md): editors split, hand down and set formulas.
    "key_result_split": _page(read="editor", write="editor", obj="key_result"),
    "kpi_split": _page(read="editor", write="editor", obj="kpi"),
    "key_result_hand_down": _page(read="editor", write="editor", obj="key_result"),
    "key_result_formula": _page(read="editor", write="editor", obj="key_result"),
    "key_result_follow_shape": _page(read=None, write="editor", obj="key_result"),
    # Dismissing a recovery: the Acme recovery is open, so it is refused with a message,
    # which the matrix accepts from a permitted persona (tests/bridges test the dismissal).
    "kpi_recovery_dismiss": _page(
        read=None, write="editor", obj="kpi", params={"objective_id": "{recovery}"}
    ),
    # Guardrails: editors and the objective's owner (none of the personas) add and remove
    # them; driver links: editors (tests/bridges test what happens).
    "guardrail_add": _page(
        read=None, write="editor", obj="objective", data=lambda ids: {"kpi": ids["kpi"]}
    ),
    "guardrail_remove": _page(
        read=None, write="editor", obj="objective", params={"kpi_id": "{guardrail_kpi}"}
    ),
    "driver_add": _page(
        read=None, write="editor", obj="kpi", data=lambda ids: {"key_result": ids["key_result"]}
    ),
    "driver_remove": _page(
        read=None, write="editor", obj="kpi", params={"link_id": "{driver_link}"}
    ),
    # --- data sources (pages): members read, admins configure (credentials live here) -------
    "sources": _page(shows=_shows("kpi")),
    "source_run": _page(obj="sync_run"),
    "source_detail": _page(obj="kpi", shows=_shows("kpi")),
    "source_edit": _page(
        read="admin",
        write="admin",
        obj="kpi",
        data=lambda ids: {"kind": "push", "interval_minutes": "60", "is_active": "on"},
    ),
    "source_fields": _page(read="admin", obj="kpi"),
    "source_test": _page(read=None, write="admin", obj="kpi"),
    "source_test_result": _page(read="admin", obj="connection_test"),
    "source_sync": _page(read=None, write="admin", obj="kpi"),
    "source_delete": _page(read="admin", write="admin", obj="kpi"),
    # --- the person's own profile, and the search (docs/navigation.md) -------------------------
    "profile": _page(
        write="member", data=lambda ids: {"name": "Matrix", "language": "", "theme": "dark"}
    ),
    "profile_theme": _page(read=None, write="member", data=lambda ids: {"theme": "dark"}),
    "search": _page(params={}),
    # --- API tokens page (any member: a viewer's tokens are read-only) ------------------------
    "api_tokens": _page(write="member"),
    # A person revokes their own tokens only: each persona revokes theirs; the outsider tries
    # an Acme person's (404). Another Acme person's token is missing too (a test of its own).
    "api_token_revoke": _page(read=None, write="member", obj="api_token"),
    # --- provisioning: admins manage the SCIM tokens; identity providers call /scim/v2/ -------
    "scim_tokens": _page(read="admin", write="admin", data=lambda ids: {"name": "Matrix"}),
    "scim_token_revoke": _page(read=None, write="admin", obj="scim_token"),
    "scim_root": _scim(),
    "scim_service_provider_config": _scim(),
    "scim_resource_types": _scim(),
    "scim_schemas": _scim(),
    "scim_users": _scim(write=("POST",)),
    "scim_user": _scim(write=("PUT", "PATCH", "DELETE"), params={"scim_id": "{person}"}),
    "scim_groups": _scim(write=("POST",)),
    "scim_group": _scim(write=("PUT", "PATCH", "DELETE"), params={"scim_id": "{team}"}),
    "scim_unknown": _scim(write=("POST", "PUT", "PATCH", "DELETE"), params={"rest": "Bulk"}),
    # --- API ---------------------------------------------------------------------------------
    # django-ninja's root answers 404 to everyone: it only lets ninja reverse its own paths,
    # and shows no workspace data.
    "api-v1:api-root": _api(read="anyone", ok=404),
    "api-v1:openapi-json": _api(read="anyone"),
    "api-v1:openapi-view": _api(read="anyone"),
    "api_docs_asset": _api(read="anyone", params={"name": "swagger-ui.css"}),
    "path:api/v1/^(?P<rest>.*)$": _api(read="anyone", params={"rest": "nowhere"}, ok=404),
    "api-v1:list_sources": _api(read="member"),
    "api-v1:get_source": _api(read="member", obj="kpi"),
    "api-v1:put_source": _api(write="admin", obj="kpi", data=lambda ids: {"kind": "push"}),
    "api-v1:delete_source": _api(write="admin", obj="kpi"),
    "api-v1:preview_source": _api(write="admin", obj="kpi"),
    "api-v1:sync_source": _api(write="admin", obj="kpi"),
    "api-v1:list_source_runs": _api(read="member", obj="kpi"),
    "api-v1:get_sync_run": _api(read="member", obj="sync_run"),
    "api-v1:get_connection_test": _api(read="admin", obj="connection_test"),
    "api-v1:me": _api(read="member"),
    "api-v1:list_changes": _api(read="member"),
    # --- notifications (API): each person's own inbox, watches and preferences --------------
    "api-v1:list_inbox": _api(read="member"),
    "api-v1:mark_inbox_item_done": _api(write="member", obj="notification"),
    "api-v1:snooze_inbox_item": _api(
        write="member", obj="notification", data=lambda ids: {"until": "2030-01-01"}
    ),
    "api-v1:get_watch": _api(
        read="member",
        obj="objective",
        params={"subject_type": "objective", "subject_id": "{objective}"},
    ),
    "api-v1:set_watch": _api(
        write="member",
        obj="objective",
        params={"subject_type": "objective", "subject_id": "{objective}"},
        data=lambda ids: {"watching": True},
    ),
    "api-v1:get_notification_preferences": _api(read="member"),
    "api-v1:put_notification_preferences": _api(write="member", data=lambda ids: {"email": True}),
    "api-v1:list_teams": _api(read="member"),
    "api-v1:create_team": _api(
        write="admin", data=lambda ids: {"name": "Matrix team", "parent": ids["team"]}
    ),
    "api-v1:get_team": _api(read="member", obj="team"),
    "api-v1:update_team": _api(write="admin", obj="team"),
    "api-v1:delete_team": _api(write="admin", obj="team"),
    "api-v1:archive_team": _api(write="admin", obj="team"),
    "api-v1:restore_team": _api(write="admin", obj="team"),
    "api-v1:get_workspace": _api(read="member"),
    "api-v1:list_people": _api(read="member"),
    "api-v1:create_person": _api(
        write="admin",
        data=lambda ids: {"email": "matrix@new.test", "name": "Matrix", "role": "viewer"},
    ),
    "api-v1:get_person": _api(read="member", obj="person"),
    "api-v1:update_person": _api(write="admin", obj="person"),
    "api-v1:remove_person": _api(write="admin", obj="person"),
    "api-v1:deactivate_person": _api(write="admin", obj="person"),
    "api-v1:reactivate_person": _api(write="admin", obj="person"),
    "api-v1:list_cycles": _api(read="member"),
    "api-v1:create_cycle": _api(
        write="admin",
        data=lambda ids: {"name": "2027-Q1", "start_date": "2027-01-01", "end_date": "2027-03-31"},
    ),
    "api-v1:get_cycle": _api(read="member", obj="cycle"),
    "api-v1:update_cycle": _api(write="admin", obj="cycle"),
    "api-v1:delete_cycle": _api(write="admin", obj="cycle"),
    # The cycle lifecycle, as on the cycle pages: admins only. Closing the world's active
    # cycle with an empty body closes every objective at its current score (or names the
    # objective that has none); carrying a cycle over into itself is refused (422).
    "api-v1:activate_cycle": _api(write="admin", obj="cycle"),
    "api-v1:close_cycle": _api(write="admin", obj="cycle"),
    "api-v1:carry_over": _api(
        write="admin", obj="cycle", data=lambda ids: {"target": ids["cycle"]}
    ),
    "api-v1:list_objectives": _api(read="member"),
    "api-v1:create_objective": _api(
        write="editor",
        data=lambda ids: {"cycle": ids["cycle"], "team": ids["team"], "title": "Matrix"},
    ),
    "api-v1:get_objective": _api(read="member", obj="objective"),
    "api-v1:update_objective": _api(write="editor", obj="objective"),
    "api-v1:delete_objective": _api(write="editor", obj="objective"),
    "api-v1:request_review": _api(write="editor", obj="objective", data=lambda ids: {}),
    "api-v1:review": _api(write="admin", obj="objective", data=lambda ids: {"decision": "approve"}),
    "api-v1:list_key_results": _api(read="member"),
    "api-v1:create_key_result": _api(
        write="editor",
        data=lambda ids: {
            "objective": ids["objective"],
            "title": "Matrix",
            "start": 0,
            "target": 9,
        },
    ),
    "api-v1:get_key_result": _api(read="member", obj="key_result"),
    "api-v1:update_key_result": _api(write="editor", obj="key_result"),
    "api-v1:delete_key_result": _api(write="editor", obj="key_result"),
    "api-v1:list_check_ins": _api(read="member", obj="key_result"),
    "api-v1:create_check_in": _api(
        write="checkin", obj="key_result", data=lambda ids: {"value": 5, "confidence": 5}
    ),
    "api-v1:list_kpis": _api(read="member"),
    "api-v1:create_kpi": _api(
        write="editor",
        data=lambda ids: {"team": ids["team"], "name": "Matrix", "target": 10, "warning": 5},
    ),
    "api-v1:get_kpi": _api(read="member", obj="kpi"),
    "api-v1:update_kpi": _api(write="editor", obj="kpi"),
    "api-v1:delete_kpi": _api(write="editor", obj="kpi"),
    "api-v1:archive_kpi": _api(write="editor", obj="kpi"),
    "api-v1:restore_kpi": _api(write="editor", obj="kpi"),
    "api-v1:list_measurements": _api(read="member", obj="kpi"),
    "api-v1:get_kpi_limits": _api(read="member", obj="kpi"),
    "api-v1:list_kpi_baselines": _api(read="member", obj="kpi"),
    # The Acme KPI has too few values for a baseline: a permitted persona is refused with 422.
    "api-v1:set_kpi_baseline": _api(write="editor", obj="kpi", data=lambda ids: {"note": "x"}),
    # The instant holds no value of the Acme KPI: a permitted persona is refused with 422.
    "api-v1:correct_measurement": _api(
        write="editor",
        obj="kpi",
        params={"at": "2026-10-02T00:00:00Z"},
        data=lambda ids: {"value": 1},
    ),
    "api-v1:delete_measurement": _api(
        write="editor", obj="kpi", params={"at": "2026-10-02T00:00:00Z"}
    ),
    "api-v1:record_measurements": _api(
        write="editor",
        obj="kpi",
        data=lambda ids: {"items": [{"timestamp": "2026-10-02T00:00:00+00:00", "value": 1}]},
    ),
    "api-v1:upload_measurements": _api(
        write="editor",
        obj="kpi",
        multipart=True,
        data=lambda ids: {
            "file": SimpleUploadedFile("values.csv", b"date,value\n2026-10-02,1\n"),
            "date_format": "iso",
        },
    ),
    # Bridges: the Acme KPI is not red and its recovery is open, so a permitted persona is
    # refused with 422 (the matrix checks who may try, tests/bridges what happens).
    "api-v1:create_recovery": _api(write="editor", obj="kpi"),
    "api-v1:dismiss_recovery": _api(
        write="editor", obj="kpi", params={"objective_id": "{recovery}"}
    ),
    "api-v1:list_guardrails": _api(read="member", obj="objective"),
    "api-v1:add_guardrail": _api(
        write="editor", obj="objective", data=lambda ids: {"kpi": ids["kpi"]}
    ),
    "api-v1:remove_guardrail": _api(
        write="editor", obj="objective", params={"kpi_id": "{guardrail_kpi}"}
    ),
    "api-v1:list_drivers": _api(read="member", obj="kpi"),
    "api-v1:add_driver": _api(
        write="editor", obj="kpi", data=lambda ids: {"key_result": ids["key_result"]}
    ),
    "api-v1:remove_driver": _api(write="editor", obj="kpi", params={"link_id": "{driver_link}"}),
    "api-v1:promote_key_result": _api(
        write="editor", obj="key_result", data=lambda ids: {"frequency": "monthly"}
    ),
    # The cascade: a body that reads, so the matrix meets the route's own checks (a permitted
    # persona may still be refused with 422 by the rules, tested in tests/okrs and bridges).
    "api-v1:split_key_result": _api(
        write="editor",
        obj="key_result",
        data=lambda ids: {"method": "equal", "shares": [{"team": ids["team"]}]},
    ),
    "api-v1:split_kpi": _api(
        write="editor",
        obj="kpi",
        data=lambda ids: {
            "cycle": ids["cycle"],
            "method": "equal",
            "shares": [{"team": ids["team"]}],
        },
    ),
    "api-v1:hand_down_key_result": _api(
        write="editor", obj="key_result", data=lambda ids: {"team": ids["team"]}
    ),
    "api-v1:follow_kpi_shape": _api(write="editor", obj="key_result"),
    "api-v1:list_webhooks": _api(read="admin"),
    "api-v1:create_webhook": _api(
        write="admin",
        data=lambda ids: {"url": "https://example.com/hook", "events": ["objective.created"]},
    ),
    "api-v1:get_webhook": _api(read="admin", obj="subscription"),
    "api-v1:update_webhook": _api(
        write="admin", obj="subscription", data=lambda ids: {"description": "Matrix"}
    ),
    "api-v1:delete_webhook": _api(write="admin", obj="subscription"),
    "api-v1:list_deliveries": _api(read="admin", obj="subscription"),
    "api-v1:ping_webhook": _api(write="admin", obj="subscription"),
    # --- chat channels (API: admins; the matrix's channel is the workspace's) -------------------
    "api-v1:list_chat_channels": _api(read="admin"),
    "api-v1:create_chat_channel": _api(
        write="admin",
        data=lambda ids: {"name": "Matrix", "kind": "slack", "url": "https://example.com/x"},
    ),
    "api-v1:get_chat_channel": _api(read="admin", obj="chat_channel"),
    "api-v1:update_chat_channel": _api(
        write="admin", obj="chat_channel", data=lambda ids: {"name": "Matrix"}
    ),
    "api-v1:delete_chat_channel": _api(write="admin", obj="chat_channel"),
    "api-v1:list_chat_deliveries": _api(read="admin", obj="chat_channel"),
    "api-v1:test_chat_channel": _api(write="admin", obj="chat_channel"),
    # --- chat channels (pages): the editor leads Sales, so the list opens to them too; a
    # workspace channel is an admin's alone. Everyone has their own under /me/chat/.
    "chat_channels": _page(
        read="admin", write="admin", get_status={"editor": 200}, write_status={"editor": 422}
    ),
    "chat_channel_edit": _page(
        read="admin",
        write="admin",
        obj="chat_channel",
        data=lambda ids: {"name": "Matrix", "kind": "slack", "url": "", "alerts": "on"},
    ),
    "chat_channel_test": _page(read=None, write="admin", obj="chat_channel"),
    "chat_channel_delete": _page(read=None, write="admin", obj="chat_channel"),
    "chat_channel_deliveries": _page(read="admin", obj="chat_channel"),
    "my_chat": _page(read="member", write="member"),
    # --- webhooks (pages) --------------------------------------------------------------------
    "webhooks": _page(read="admin", write="admin"),
    "webhook_detail": _page(
        read="admin",
        write="admin",
        obj="subscription",
        data=lambda ids: {
            "url": "https://hooks.example.com/matrix",
            "events": ["objective.created"],
            "description": "Matrix",
        },
    ),
    "webhook_toggle": _page(read=None, write="admin", obj="subscription"),
    "webhook_ping": _page(read=None, write="admin", obj="subscription"),
    "webhook_rotate": _page(read=None, write="admin", obj="subscription"),
    "webhook_delete": _page(read=None, write="admin", obj="subscription"),
    "webhook_delivery_retry": _page(read=None, write="admin", obj="delivery"),
    # --- comments and reactions (docs/comments.md) -------------------------------------------
    # A thread is named by its query (?subject_type=&subject_id=): without one it is missing.
    # Editors and admins comment; the outsider naming an Acme subject finds nothing.
    "comments": _page(
        write="editor",
        data=lambda ids: {"subject_type": "kpi", "subject_id": ids["kpi"], "body": "Matrix"},
        get_status=dict.fromkeys(LOGGED_IN, 404),
        write_status={"outsider": 404},
    ),
    "comment_item": _page(obj="comment"),
    # The matrix's comment is another person's: only its author edits it, nobody here.
    "comment_edit": _page(
        read="admin",
        write="admin",
        obj="comment",
        data=lambda ids: {"body": "Matrix"},
        get_status=dict.fromkeys(ACME_PERSONAS, 403),
        write_status=dict.fromkeys(ACME_PERSONAS, 403),
    ),
    "comment_delete": _page(read=None, write="admin", obj="comment"),
    # The Acme check-in is the owner's (a viewer): they react on it, as editors do.
    "check_in_reaction": _page(
        read=None, write="checkin", obj="check_in", data=lambda ids: {"emoji": "tada"}
    ),
    "api-v1:list_comments": _api(read="member", get_status=dict.fromkeys(LOGGED_IN, 422)),
    "api-v1:create_comment": _api(
        write="editor",
        data=lambda ids: {"subject_type": "kpi", "subject_id": ids["kpi"], "body": "Matrix"},
        write_status={"outsider": 422},
    ),
    "api-v1:update_comment": _api(
        write="admin",
        obj="comment",
        data=lambda ids: {"body": "Matrix"},
        write_status=dict.fromkeys(ACME_PERSONAS, 403),
    ),
    "api-v1:get_comment": _api(read="member", obj="comment"),
    "api-v1:delete_comment": _api(write="admin", obj="comment"),
    "api-v1:toggle_reaction": _api(
        write="checkin", obj="check_in", data=lambda ids: {"emoji": "tada"}
    ),
    # --- notifications: the inbox is each person's own --------------------------------------
    "inbox": _page(),
    "inbox_all_done": _page(read=None, write="member"),
    "inbox_open": _page(obj="notification", ok=302),
    "inbox_done": _page(read=None, write="member", obj="notification"),
    "inbox_undo": _page(read=None, write="member", obj="notification"),
    "inbox_snooze": _page(
        read=None, write="member", obj="notification", data=lambda ids: {"until": "2030-01-01"}
    ),
    "watch": _page(
        read=None,
        write="member",
        obj="objective",
        params={"subject_type": "objective", "subject_id": "{objective}"},
        data=lambda ids: {"watching": "1"},
    ),
    "notification_preferences": _page(write="member"),
    # A link from an email: no login; a token that was not made here is refused alike.
    "unsubscribe": _page(
        read="anyone",
        write="anyone",
        params={"token": "not-a-signed-token"},
        get_status=dict.fromkeys(PERSONAS, 404),
        write_status=dict.fromkeys(PERSONAS, 404),
    ),
    # --- exports: any member exports what they can read; an export is its maker's only ---
    "export_list": _page(),
    # A small list is the answer itself (the outsider gets their own workspace's KPIs).
    "export_start": _page(
        read=None, write="member", data=lambda ids: {"list": "kpis", "format": "csv"}
    ),
    "export_row": _page(obj="export"),
    "export_download": _page(obj="export"),
    "export_delete": _page(read=None, write="member", obj="export"),
    # --- the open format: admins export and import the workspace (docs/format.md) ---------
    "portability": _page(read="admin"),
    "portability_export": _page(read="admin"),
    "portability_schema": _page(),
    # --- the backup ledger of the installation (docs/operations.md) ------------------------
    "backup_runs": _page(read="admin"),
    "portability_import": _page(
        read=None, write="admin", data=lambda ids: {"document": "version: 1\n"}
    ),
    "portability_apply": _page(
        read=None, write="admin", data=lambda ids: {"document": "version: 1\n"}
    ),
    # --- importers: a spreadsheet or another tool's export (docs/importers.md) -----------
    "import_page": _page(read="admin"),
    "import_preview": _page(
        read=None, write="admin", data=lambda ids: {"payload": "", "filename": "okrs.csv"}
    ),
    "import_apply": _page(
        read=None, write="admin", data=lambda ids: {"payload": "", "filename": "okrs.csv"}
    ),
    "api-v1:export_workspace": _api(read="admin"),
    "api-v1:import_workspace": _api(
        write="admin", data=lambda ids: {"document": "version: 1\n", "dry_run": True}
    ),
    # --- the template library: any member browses it, editors start from a template ----
    "template_gallery": _page(),
    "template_detail": _page(params={"key": "sales"}),
    "template_objective": _page(
        read="editor", write="editor", params={"key": "sales", "index": "0"}
    ),
    "template_kpis": _page(read="editor", write="editor", params={"key": "sales"}),
    "api-v1:list_templates": _api(read="member"),
    "api-v1:get_template": _api(read="member", params={"key": "sales"}),
    "api-v1:create_export": _api(
        write="member", data=lambda ids: {"kind": "kpis", "format": "csv"}
    ),
    "api-v1:get_export": _api(read="member", obj="export"),
    "api-v1:download_export": _api(read="member", obj="export"),
    # --- dashboards: seen by whom it is shared with, changed by its owner or an admin ------
    # (the matrix's dashboard is an admin's, shared with the workspace)
    "dashboards": _page(),
    "dashboard_create": _page(write="member"),
    "dashboards_tv": _page(),
    "dashboard_detail": _page(obj="dashboard", shows=_shows("kpi")),
    "dashboard_tiles": _page(obj="dashboard", shows=_shows("kpi")),
    "dashboard_edit": _page(read="admin", write="admin", obj="dashboard"),
    "dashboard_delete": _page(read=None, write="admin", obj="dashboard"),
    "dashboard_arrange": _page(read=None, write="admin", obj="dashboard"),
    "dashboard_tile_add": _page(
        read=None,
        write="admin",
        obj="dashboard",
        params={"kind": "text"},
        data=lambda ids: {"text-text": "Matrix note"},
    ),
    "dashboard_tile_remove": _page(read=None, write="admin", obj="dashboard"),
    "dashboard_share": _page(
        read="admin", write="admin", obj="dashboard", data=lambda ids: {"days": "7"}
    ),
    "dashboard_link_revoke": _page(read=None, write="admin", obj="dashboard"),
    "dashboard_export_pdf": _page(obj="dashboard"),
    "dashboard_export_pptx": _page(obj="dashboard"),
    # A share link is public: no login; a token that was not made here is missing alike
    # (tests/dashboards/test_share_links.py opens working, expired and revoked ones).
    "dashboard_shared": _page(
        read="anyone",
        params={"token": "not-a-share-token"},
        get_status=dict.fromkeys(PERSONAS, 404),
    ),
    "dashboard_shared_tiles": _page(
        read="anyone",
        params={"token": "not-a-share-token"},
        get_status=dict.fromkeys(PERSONAS, 404),
    ),
    "api-v1:list_dashboards": _api(read="member"),
    "api-v1:get_dashboard": _api(read="member", obj="dashboard"),
    "api-v1:create_dashboard": _api(write="member", data=lambda ids: {"title": "Matrix"}),
    "api-v1:update_dashboard": _api(
        write="admin", obj="dashboard", data=lambda ids: {"title": "Matrix renamed"}
    ),
    "api-v1:delete_dashboard": _api(write="admin", obj="dashboard"),
    "api-v1:add_tile": _api(
        write="admin",
        obj="dashboard",
        data=lambda ids: {"kind": "text", "config": {"text": "Matrix"}},
    ),
    "api-v1:update_tile": _api(
        write="admin", obj="dashboard", data=lambda ids: {"title": "Matrix tile"}
    ),
    "api-v1:remove_tile": _api(write="admin", obj="dashboard"),
    "api-v1:arrange": _api(
        write="admin",
        obj="dashboard",
        data=lambda ids: {"layout": [{"id": ids["tile"], "x": 0, "y": 0, "w": 6, "h": 4}]},
    ),
}

# Routes that exist but are not classified yet (or whose pages are still being built):
# the route tests skip them, naming each and why. PENDING wins over ROUTES, so a route can
# carry a provisional entry in ROUTES that takes effect once it leaves PENDING. The lead
# empties this at integration. A NEW route in neither ROUTES nor PENDING fails the matrix.
PENDING: dict[str, str] = {}

# Set GOALKEEPER_MATRIX_LENIENT=1 while building new routes: unclassified routes are then
# skipped (with a reason naming them) instead of failing.
LENIENT = os.environ.get("GOALKEEPER_MATRIX_LENIENT", "") not in ("", "0")


@dataclass(frozen=True)
class FoundRoute:
    """A route of the project as the resolver knows it."""

    key: str  # "namespace:name", or "path:<route>" for an unnamed one
    route: str  # the full route, e.g. "admin/people/<int:person_id>/"
    callback: Any
    name: str | None


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str
) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            yield prefix + str(pattern.pattern), namespace, pattern


def project_routes() -> list[FoundRoute]:
    """Every reachable route: a later route with the same path and name as an earlier one
    is shadowed (Django answers with the first) and left out."""
    found: list[FoundRoute] = []
    seen: set[tuple[str, str | None]] = set()
    for route, namespace, pattern in _walk(get_resolver().url_patterns, "", ""):
        name = pattern.name
        if (route, name) in seen:
            continue
        seen.add((route, name))
        key = (f"{namespace}:{name}" if namespace else name) if name else f"path:{route}"
        found.append(FoundRoute(key=key, route=route, callback=pattern.callback, name=name))
    return found


# Which object type a URL argument names, by its name (`pk`, `id` and `object_id` take the
# route's `obj`).
ARGUMENT_TYPES: dict[str, str] = {
    "person_id": "person",
    "team_id": "team",
    "invitation_id": "invitation",
    "objective_id": "objective",
    "key_result_id": "key_result",
    "kpi_id": "kpi",
    "cycle_id": "cycle",
    "check_in_id": "check_in",
    "subscription_id": "subscription",
    "channel_id": "chat_channel",
    "delivery_id": "delivery",
    "token_id": "api_token",
    "scim_token_id": "scim_token",
    "notification_id": "notification",
    "tile_id": "tile",
    "link_id": "share_link",
}

_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")


def _object_type(spec: Route, name: str) -> str | None:
    """The object type a URL argument names (None when the route's params give it)."""
    return spec.obj if name in ("pk", "id", "object_id") else ARGUMENT_TYPES.get(name)


def build_url(found: FoundRoute, spec: Route, ids: Mapping[str, Any]) -> str:
    """The route's path with every argument filled in from `spec.params` and `ids`."""
    route = found.route

    def value(match: re.Match[str]) -> str:
        name = match.group("name") or match.group("group")
        if name in spec.params:
            return spec.params[name].format(**ids)
        object_type = _object_type(spec, name)
        if object_type is None:
            raise LookupError(
                f"{found.key}: cannot fill <{name}> in {route!r}; give it in the route's "
                "params in tests/security/routes.py, or add the argument to ARGUMENT_TYPES"
            )
        if object_type not in ids:
            raise LookupError(
                f"{found.key}: the matrix world has no {object_type!r}; add it to "
                "tests/security/conftest.py (add_matrix_objects)"
            )
        return str(ids[object_type])

    path = _ARGUMENT.sub(value, route)
    path = path.lstrip("^").rstrip("$")
    return "/" + path


def id_keys(found: FoundRoute, spec: Route) -> list[str]:
    """The keys of the id map that fill the route's URL, in order (an argument given in
    `params` counts for each `{key}` it names)."""
    keys: list[str] = []
    for match in _ARGUMENT.finditer(found.route):
        name = match.group("name") or match.group("group")
        if name in spec.params:
            keys += [key for _, key, _, _ in string.Formatter().parse(spec.params[name]) if key]
        elif (object_type := _object_type(spec, name)) is not None:
            keys.append(object_type)
    return keys


def api_methods(found: FoundRoute) -> tuple[str, ...]:
    """The HTTP methods a django-ninja operation answers (empty for other views)."""
    callback = found.callback
    for cell in getattr(callback, "__closure__", None) or ():
        path_view = cell.cell_contents
        operations = getattr(path_view, "operations", None)
        if not operations:
            continue
        short = (found.name or "").split(":")[-1]
        for operation in operations:
            names = {getattr(operation, "url_name", None), operation.view_func.__name__}
            if short in names:
                return tuple(m.upper() for m in operation.methods)
    return ()


def classification(found: FoundRoute) -> Route | None:
    """The route's entry, or None while it is pending."""
    if found.key in PENDING:
        return None
    return ROUTES.get(found.key)


def active_routes() -> list[tuple[FoundRoute, Route]]:
    """The project's routes with their entries, pending ones left out."""
    return [
        (found, spec) for found in project_routes() if (spec := classification(found)) is not None
    ]


def write_methods(found: FoundRoute, spec: Route) -> tuple[str, ...]:
    """The write methods to try on a route."""
    if spec.write is None:
        return ()
    if spec.methods:
        return spec.methods
    if spec.kind == "api":
        return tuple(m for m in api_methods(found) if m in WRITE_METHODS) or ("POST",)
    return ("POST",)


def reads(found: FoundRoute, spec: Route) -> bool:
    """Whether GET is tried: API operations that do not answer GET share their path with
    ones that do, so a GET there would test a sibling operation instead."""
    if spec.kind == "api" and spec.read is None:
        return False
    methods = api_methods(found) if spec.kind == "api" else ()
    return not methods or "GET" in methods
