"""Talking to a workspace's OpenID provider, through Authlib's Django client (docs/adr/0005).

Every request to a provider (discovery, keys, token, user info) goes through
`ProviderSession.request`: the one place where an outbound policy applies.
"""

from __future__ import annotations

import io
import ipaddress
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from django.utils.translation import gettext as _
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from goalkeeper import outbound
from goalkeeper.sso.models import Provider
from goalkeeper.sso.sealed import unseal

DISCOVERY_PATH = "/.well-known/openid-configuration"
SCOPES = "openid email profile"
TIMEOUT_SECONDS = 10
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
# The document's addresses Goalkeeper sends people or requests to.
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
MAX_ANSWER_BYTES = 1024 * 1024


class PolicyAdapter(BaseAdapter):
    """The requests transport of a provider session: sends through the outbound policy.

    Authlib prepares each request (client authentication, tokens, form bodies) with
    requests; this adapter hands it to `outbound.send`, which checks the host and connects
    to the very address it checked (no second resolution: DNS rebinding cannot slip by),
    bounds time and size, and never follows a redirect. The answer comes back as a
    requests Response, which is what Authlib reads.
    """

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        if isinstance(timeout, tuple):
            timeout = max(value for value in timeout if value is not None)
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None and not isinstance(body, bytes):
            raise outbound.OutboundError("a streamed body cannot be sent to the provider")
        headers = {
            name: value if isinstance(value, str) else value.decode("latin-1")
            for name, value in request.headers.items()
            if name.lower() not in {"connection", "accept-encoding", "content-length"}
        }
        answer = outbound.send(
            str(request.method or "GET"),
            str(request.url),
            timeout=float(timeout or TIMEOUT_SECONDS),
            headers=headers,
            content=body or None,
            max_bytes=MAX_ANSWER_BYTES,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason
        response.headers = CaseInsensitiveDict(
            {k: v for k, v in answer.headers.items() if k.lower() != "content-encoding"}
        )
        response._content = answer.body
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = str(request.url)
        response.request = request
        response.raw = io.BytesIO(b"")
        return response

    def close(self) -> None:
        pass


class ProviderSession(OAuth2Session):  # type: ignore[misc]
    """Authlib's session, with a timeout on every request and redirects not followed.

    Every request goes through the outbound policy (docs/security.md, "Outbound requests",
    `PolicyAdapter`): an issuer an admin typed must not turn sign-in into a way to reach
    the server's own network. A provider on an internal network needs the allow setting.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trust_env = False
        adapter = PolicyAdapter()
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, url, *args, **kwargs)


class ProviderApp(DjangoOAuth2App):  # type: ignore[misc]
    client_cls = ProviderSession


class DiscoveryError(Exception):
    """The issuer's discovery document is missing, unreadable or not about that issuer."""


def plain_http_allowed(host: str) -> bool:
    """Whether http:// (not https) may reach `host`: only a host the outbound allow setting
    lets through by name or network (a provider on this machine or the internal network)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    rules = outbound.allowance()
    if name in rules.hosts:
        return True
    try:
        address = ipaddress.ip_address("127.0.0.1" if name == "localhost" else name)
    except ValueError:
        return False
    return any(
        address.version == network.version and address in network for network in rules.networks
    )


def endpoint_problem(url: Any) -> str | None:
    """Why an address from the discovery document may not be used, or None."""
    try:
        parts = urlsplit(str(url))
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return _("not a valid URL")
    if not parts.hostname:
        return _("not a valid URL")
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and plain_http_allowed(parts.hostname):
        return None
    return _("not an https:// address")


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def app_name(provider: Provider) -> str:
    """The name Authlib keeps the sign-in's state under in the session."""
    return f"sso-{provider.workspace_id}"


def app_for(provider: Provider, metadata: dict[str, Any]) -> ProviderApp:
    """Authlib's client for the provider, from its checked discovery document (`discover`):
    state, nonce and PKCE (S256); the ID token's issuer is checked against the document's."""
    name = app_name(provider)
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    basic = "client_secret_basic" in methods
    return ProviderApp(
        DjangoIntegration(name),
        name=name,
        client_id=provider.client_id,
        client_secret=unseal(provider.sealed_secret) if provider.sealed_secret else None,
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic" if basic else "client_secret_post",
        },
        **metadata,
    )


def discover(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, checked: it names this issuer and its endpoints."""
    url = discovery_url(issuer)
    try:
        with ProviderSession() as session:
            response = session.request("GET", url, withhold_token=True)
    except outbound.OutboundError as error:
        raise DiscoveryError(error.message) from None
    except Exception as error:  # any transport failure is told, not raised
        host = urlsplit(url).netloc
        raise DiscoveryError(
            _("%(host)s could not be reached (%(error)s)")
            % {"host": host, "error": type(error).__name__}
        ) from None
    if response.status_code != 200:
        raise DiscoveryError(
            _("%(url)s answered HTTP %(status)s") % {"url": url, "status": response.status_code}
        )
    try:
        metadata = response.json()
    except ValueError:
        raise DiscoveryError(_("%(url)s did not answer JSON") % {"url": url}) from None
    if not isinstance(metadata, dict):
        raise DiscoveryError(_("%(url)s did not answer a JSON object") % {"url": url})
    missing = [key for key in REQUIRED_METADATA if not metadata.get(key)]
    if missing:
        raise DiscoveryError(
            _("the discovery document lacks %(keys)s") % {"keys": ", ".join(missing)}
        )
    for key in ENDPOINTS:
        if key in metadata and (problem := endpoint_problem(metadata[key])):
            raise DiscoveryError(
                _("the discovery document's %(key)s is %(problem)s")
                % {"key": key, "problem": problem}
            )
    if str(metadata["issuer"]).rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(
            _("the discovery document names the issuer %(named)s, not %(issuer)s")
            % {"named": metadata["issuer"], "issuer": issuer}
        )
    return metadata
