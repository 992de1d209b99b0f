"""The "headers" secret shared by the file and HTTP JSON connectors."""

from __future__ import annotations

import pytest

from goalkeeper.sources.connectors.remote import host_of, parse_headers, url_problem


def test_name_value_lines_become_headers():
    text = "Authorization: Bearer abc:def\n\n# a comment\n  X-Team :  sales  \n"
    assert parse_headers(text) == {"Authorization": "Bearer abc:def", "X-Team": "sales"}


def test_no_text_is_no_headers():
    assert parse_headers("") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A: 1\nBearer s3cret", "line 2 is not “Name: value”"),
        (": s3cret", "line 1 is not “Name: value”"),
        ("Bad Name: s3cret", "line 1: the header name has characters a name cannot hold"),
        ("X-Name: s3cr\u00e9t", "line 1: the value has characters a header cannot carry"),
    ],
)
def test_a_malformed_line_is_named_by_number_never_by_content(text, message):
    with pytest.raises(ValueError, match=message) as caught:
        parse_headers(text)
    assert "s3cr" not in str(caught.value)


def test_url_problems():
    assert url_problem("https://example.com/x") is None
    assert url_problem("http://example.com:99999/x") == "this is not a valid URL"
    assert url_problem("gopher://example.com") == "only http:// and https:// URLs can be read"


def test_host_of_drops_the_user_password_path_and_query():
    assert host_of("https://ada:pw@example.com:8443/x?key=1") == "example.com:8443"
