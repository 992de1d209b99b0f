"""The allowed email domains of single sign-on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.domain.email_domains import (
    domain_of,
    is_allowed,
    is_domain,
    normalise_domain,
    parse_domains,
)

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
domains = st.lists(labels, min_size=2, max_size=4).map(".".join)


# No deadline: the regular-expression strategies are slow to start on a loaded machine.
@settings(deadline=None)
@given(domains)
def test_a_domain_in_any_case_with_an_at_sign_reads_as_itself(domain: str) -> None:
    assert normalise_domain(f"  @{domain.upper()}. ") == domain
    assert is_domain(domain)


# No deadline: the regular-expression strategies are slow to start on a loaded machine.
@settings(deadline=None)
@given(st.lists(domains, max_size=6))
def test_parsing_keeps_each_domain_once_in_order(listed: list[str]) -> None:
    parsed, wrong = parse_domains(",\n ".join(listed + listed))
    assert parsed == list(dict.fromkeys(listed))
    assert wrong == []


def test_pieces_that_are_not_domains_are_named() -> None:
    assert parse_domains("acme.com, localhost, -bad.com, a..b") == (
        ["acme.com"],
        ["localhost", "-bad.com", "a..b"],
    )


# No deadline: the regular-expression strategies are slow to start on a loaded machine.
@settings(deadline=None)
@given(labels, domains)
def test_an_email_belongs_to_its_domain_only(local: str, domain: str) -> None:
    email = f"{local}@{domain.upper()}"
    assert domain_of(email) == domain
    assert is_allowed(email, [domain])
    assert not is_allowed(email, [f"sub.{domain}"])
    assert not is_allowed(f"{local}@sub.{domain}", [domain])


def test_text_without_an_address_has_no_domain() -> None:
    assert domain_of("acme") == ""
    assert domain_of("@acme.com") == ""
    assert not is_allowed("acme.com", ["acme.com"])
