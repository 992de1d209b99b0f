"""The authentication backend of logins made through single sign-on.

It authenticates nothing by itself (the callback view signs the person in once the provider
vouched for them); Django keeps its path in the session and asks it for the user on each
request, as it does the password backend.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

PATH = "goalkeeper.sso.backends.SingleSignOnBackend"


class SingleSignOnBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        return None
