"""The claims the test provider tells about its users.

A user whose last name is "unverified" has an email the provider does not vouch for.
"""

from typing import Any


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    claims["name"] = user.first_name
    claims["email"] = user.email
    claims["email_verified"] = user.last_name != "unverified"
    return claims
