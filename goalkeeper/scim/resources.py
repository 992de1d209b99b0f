"""What SCIM answers: people as Users, teams as Groups, lists, and the discovery documents
(ServiceProviderConfig, ResourceTypes, Schemas) of RFC 7643 and RFC 7644."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, CharField, Exists, OuterRef, Prefetch, QuerySet, Value
from django.utils import timezone

from goalkeeper.accounts.models import Invitation, Membership, Person, Team, Workspace
from goalkeeper.scim.filters import GROUP_SCHEMA, USER_SCHEMA

LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
# Where Goalkeeper says what SCIM has no word for: a person invited rather than added.
GOALKEEPER_USER_SCHEMA = "urn:goalkeeper:params:scim:schemas:extension:2.0:User"
MAX_PAGE = 200


def _name_parts(name: str) -> tuple[str, str]:
    given, _space, family = name.strip().partition(" ")
    return given, family


def people_of(workspace: Workspace) -> QuerySet[Person]:
    """The workspace's people as Users are read: one query, plus one for their teams."""
    return (
        Person.objects.filter(workspace=workspace)
        .select_related("user", "scim_external")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(team__archived_at__isnull=True)
                .select_related("team")
                .order_by("team_id"),
            )
        )
        .order_by("id")
    )


def pending_invitations_of(workspace: Workspace) -> QuerySet[Invitation]:
    """The workspace's pending invitations, read as Users (`invited_user`) so that an
    identity provider looking for an email finds the person it already asked for. An email
    that is already a person of the workspace is that person, not an invitation."""
    return (
        Invitation.objects.filter(
            workspace=workspace,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(
            Exists(
                Person.objects.filter(workspace=workspace, user__email__iexact=OuterRef("email"))
            )
        )
        # What a filter on `externalId` or `active` compares (filters.INVITATION_ATTRIBUTES):
        # an invitation keeps no external id and is not active.
        .annotate(
            scim_external_id=Value(None, output_field=CharField()),
            scim_active=Value(False, output_field=BooleanField()),
        )
        .order_by("id")
    )


def teams_of(workspace: Workspace, with_members: bool = True) -> QuerySet[Team]:
    """The workspace's teams as Groups are read (the company root and archived teams are no
    group): one query, plus one for their members."""
    teams = (
        Team.objects.filter(workspace=workspace, parent__isnull=False, archived_at__isnull=True)
        .select_related("scim_external")
        .order_by("id")
    )
    if with_members:
        teams = teams.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("person").order_by("person_id"),
            )
        )
    return teams


def _external_id(obj: Person | Team) -> str | None:
    external = getattr(obj, "scim_external", None)
    return external.external_id if external is not None else None


def user(person: Person, base: str) -> dict[str, Any]:
    """A person as a SCIM User."""
    given, family = _name_parts(person.name)
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(person.pk),
        "userName": person.user.email,
        "name": {"formatted": person.name, "givenName": given, "familyName": family},
        "displayName": person.name,
        "emails": [{"value": person.user.email, "type": "work", "primary": True}],
        "active": person.is_active,
        "groups": [
            {
                "value": str(membership.team_id),
                "display": membership.team.name,
                "$ref": f"{base}/Groups/{membership.team_id}",
            }
            for membership in person.memberships.all()
        ],
        "meta": {
            "resourceType": "User",
            "created": person.created_at.isoformat(),
            "location": f"{base}/Users/{person.pk}",
        },
    }
    if person.title:
        resource["title"] = person.title
    external_id = _external_id(person)
    if external_id is not None:
        resource["externalId"] = external_id
    return resource


def invited_user(invitation: Invitation, base: str) -> dict[str, Any]:
    """Someone whose login already belongs to another workspace: they were invited, and
    become a person of this one when they accept (until then, inactive)."""
    scim_id = f"invitation-{invitation.pk}"
    given, family = _name_parts(invitation.name)
    return {
        "schemas": [USER_SCHEMA, GOALKEEPER_USER_SCHEMA],
        "id": scim_id,
        "userName": invitation.email,
        "name": {"formatted": invitation.name, "givenName": given, "familyName": family},
        "displayName": invitation.name,
        "emails": [{"value": invitation.email, "type": "work", "primary": True}],
        "active": False,
        GOALKEEPER_USER_SCHEMA: {"state": "invited"},
        "meta": {
            "resourceType": "User",
            "created": invitation.created_at.isoformat(),
            "location": f"{base}/Users/{scim_id}",
        },
    }


def group(team: Team, base: str, with_members: bool = True) -> dict[str, Any]:
    """A team as a SCIM Group."""
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": str(team.pk),
        "displayName": team.name,
        "meta": {
            "resourceType": "Group",
            "created": team.created_at.isoformat(),
            "location": f"{base}/Groups/{team.pk}",
        },
    }
    if with_members:
        resource["members"] = [
            {
                "value": str(membership.person_id),
                "display": membership.person.name,
                "$ref": f"{base}/Users/{membership.person_id}",
            }
            for membership in team.memberships.all()
        ]
    external_id = _external_id(team)
    if external_id is not None:
        resource["externalId"] = external_id
    return resource


def listing(resources: list[dict[str, Any]], total: int, start: int) -> dict[str, Any]:
    """A page of a list (RFC 7644 section 3.4.2)."""
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def service_provider_config(base: str) -> dict[str, Any]:
    """What this service provider supports (RFC 7643 section 5)."""
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_PAGE},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A SCIM token made by a workspace admin, sent as "
                "Authorization: Bearer <token>.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}/ServiceProviderConfig",
        },
    }


def resource_types(base: str) -> list[dict[str, Any]]:
    """The two resource types: Users and Groups."""
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
            "id": kind,
            "name": kind,
            "endpoint": f"/{kind}s",
            "schema": schema,
            "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{kind}"},
        }
        for kind, schema in (("User", USER_SCHEMA), ("Group", GROUP_SCHEMA))
    ]


def _attribute(
    name: str,
    kind: str = "string",
    *,
    required: bool = False,
    mutability: str = "readWrite",
    unique: str = "none",
    multi: bool = False,
    sub: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "name": name,
        "type": kind,
        "multiValued": multi,
        "required": required,
        "caseExact": False,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": unique,
    }
    if sub is not None:
        attribute["subAttributes"] = sub
    return attribute


def schemas(base: str) -> list[dict[str, Any]]:
    """The attributes Goalkeeper keeps of Users and Groups (others sent are ignored)."""
    reference = [_attribute("value"), _attribute("display", mutability="readOnly")]
    user_attributes = [
        _attribute("userName", required=True, unique="server"),
        _attribute(
            "name",
            "complex",
            sub=[_attribute("formatted"), _attribute("givenName"), _attribute("familyName")],
        ),
        _attribute("displayName"),
        _attribute("title"),
        _attribute("active", "boolean"),
        _attribute(
            "emails", "complex", multi=True, sub=[_attribute("value"), _attribute("primary")]
        ),
        _attribute("groups", "complex", mutability="readOnly", multi=True, sub=reference),
        _attribute("externalId"),
    ]
    group_attributes = [
        _attribute("displayName", required=True),
        _attribute("members", "complex", multi=True, sub=reference),
        _attribute("externalId"),
    ]
    return [
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
            "id": schema,
            "name": name,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{schema}"},
        }
        for schema, name, attributes in (
            (USER_SCHEMA, "User", user_attributes),
            (GROUP_SCHEMA, "Group", group_attributes),
        )
    ]
