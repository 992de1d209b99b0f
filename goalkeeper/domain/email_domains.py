"""Email domains: the allowed domains of a workspace's single sign-on (docs/sso.md).

A domain is kept in lower case, without a leading `@` or trailing dot; an email belongs to
the domain after its last `@`, exactly (a subdomain is a domain of its own).
"""

from __future__ import annotations

import re

# A DNS name of letters, digits and hyphens, at least two labels, 253 characters at most.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")
MAX_DOMAINS = 50

# Mail providers anyone can get an address at: owning such an address proves nothing about
# the domain, so no workspace may claim one for single sign-on.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "pm.me", "gmx.de", "gmx.net", "gmx.com", "web.de",
        "t-online.de", "freenet.de", "posteo.de", "mailbox.org", "yandex.com", "yandex.ru",
        "mail.ru", "mail.com", "zoho.com", "tutanota.com", "tuta.io", "fastmail.com",
        "qq.com", "163.com",
    }
)  # fmt: skip


def is_public_mail(domain: str) -> bool:
    """Whether `domain` (normalised) is a public mail provider's, where anyone gets an address."""
    return domain in PUBLIC_MAIL_DOMAINS or domain.startswith(("hotmail.", "yahoo.", "outlook."))


def normalise_domain(text: str) -> str:
    """`text` as a domain is kept: trimmed, lower case, no leading `@`, no trailing dot."""
    return text.strip().lower().removeprefix("@").rstrip(".")


def is_domain(text: str) -> bool:
    """Whether `text` (already normalised) is a domain name."""
    return len(text) <= 253 and _DOMAIN.match(text) is not None


def parse_domains(text: str) -> tuple[list[str], list[str]]:
    """The domains listed in `text` (by commas, spaces or lines), in order, once each, and
    the pieces that are not domains."""
    domains: list[str] = []
    wrong: list[str] = []
    for piece in re.split(r"[\s,;]+", text):
        domain = normalise_domain(piece)
        if not domain:
            continue
        if not is_domain(domain):
            wrong.append(piece.strip())
        elif domain not in domains:
            domains.append(domain)
    return domains, wrong


def domain_of(email: str) -> str:
    """The domain of an email address ('' when it has none)."""
    _local, at, domain = email.strip().rpartition("@")
    return normalise_domain(domain) if at and _local else ""


def is_allowed(email: str, domains: list[str] | tuple[str, ...] | set[str]) -> bool:
    """Whether the email's domain is one of `domains` exactly."""
    domain = domain_of(email)
    return bool(domain) and domain in domains
