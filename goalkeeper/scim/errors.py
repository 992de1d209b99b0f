"""SCIM's own error answer (RFC 7644 section 3.12): a status, a `scimType` and a detail."""

from __future__ import annotations

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimError(Exception):
    """A refusal to answer in SCIM's error shape; `detail` starts with the attribute at fault."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type

    def body(self) -> dict[str, object]:
        """The JSON answer."""
        body: dict[str, object] = {
            "schemas": [ERROR_SCHEMA],
            "status": str(self.status),
            "detail": self.detail,
        }
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid_value(attribute: str, reason: str) -> ScimError:
    """400 invalidValue naming the attribute."""
    return ScimError(400, f"{attribute}: {reason}", "invalidValue")


def not_found(kind: str, scim_id: str) -> ScimError:
    """404: no such resource in the token's workspace."""
    return ScimError(404, f"id: no {kind} {scim_id!r} in this workspace")
