"""The comment text: mention tokens and the one render function (escaping, links, chips)."""

from __future__ import annotations

from goalkeeper.comments.text import mention_token, mentioned_ids, plain, render


def test_mentioned_ids_are_read_once_each_in_order() -> None:
    body = "@[Ada](person:7) and @[Bob](person:3), again @[Ada](person:7)"
    assert mentioned_ids(body) == [7, 3]


def test_a_broken_token_mentions_nobody() -> None:
    assert mentioned_ids("@[Ada](person:x) @Ada [Ada](person:7) @[](person:7)") == []


def test_mention_token_drops_brackets_from_the_name() -> None:
    assert mention_token(42, "Ada [the] Lovelace") == "@[Ada the Lovelace](person:42)"
    assert mentioned_ids(mention_token(42, "]]")) == [42]


def test_plain_text_names_the_mentioned_people() -> None:
    assert plain("hi @[Old name](person:4)", {4: "New name"}) == "hi @New name"
    assert plain("hi @[Old name](person:4)") == "hi @Old name"


def test_render_escapes_markup() -> None:
    html = render('<script>alert("x")</script> & <b>bold</b>')
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in html


def test_render_keeps_newlines_as_line_breaks() -> None:
    assert render("one\ntwo\r\nthree") == "one<br>\ntwo<br>\nthree"


def test_render_links_http_and_https_urls() -> None:
    html = render("see https://example.com/a?b=1&c=2 and http://x.org")
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" '
        'target="_blank">https://example.com/a?b=1&amp;c=2</a>'
    ) in html
    assert '<a href="http://x.org"' in html


def test_render_leaves_trailing_punctuation_out_of_a_link() -> None:
    html = render("read https://example.com/page. Then (https://example.com/x).")
    assert 'href="https://example.com/page"' in html
    assert 'href="https://example.com/x"' in html
    assert html.endswith("</a>).")


def test_render_keeps_balanced_parentheses_in_a_link() -> None:
    html = render("https://en.wikipedia.org/wiki/Goal_(sport)")
    assert 'href="https://en.wikipedia.org/wiki/Goal_(sport)"' in html


def test_render_never_links_javascript_urls() -> None:
    html = render("javascript:alert(1) JAVASCRIPT://x.org/%0aalert(1) data:text/html,<b>")
    assert "<a" not in html
    assert "&lt;b&gt;" in html


def test_a_quote_ends_a_link_so_it_cannot_open_an_attribute() -> None:
    html = render('https://x.org/"onmouseover="alert(1)')
    assert '<a href="https://x.org/" rel=' in html
    assert "&quot;onmouseover=&quot;alert(1)" in html
    assert '"onmouseover' not in html
    html = render("https://x.org/'onmouseover='alert(1)")
    assert "&#x27;onmouseover" in html


def test_angle_brackets_end_a_link() -> None:
    html = render("https://x.org/<script>alert(1)</script>")
    assert '<a href="https://x.org/"' in html
    assert "&lt;script&gt;" in html


def test_a_scheme_without_a_host_is_not_a_link() -> None:
    assert "<a" not in render("https:// and http:///etc")


def test_mentions_render_as_chips_with_the_current_name() -> None:
    html = render("thanks @[Ada L](person:42)!", {42: "Ada Lovelace"})
    assert html == ('thanks <span class="mention" data-person-id="42">@Ada Lovelace</span>!')


def test_a_mention_name_is_escaped() -> None:
    html = render('@[<img src=x onerror="alert(1)">](person:5)')
    assert "<img" not in html
    assert "@&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>" in html
    html = render("@[x](person:5)", {5: "<script>alert(1)</script>"})
    assert "<script>" not in html


def test_a_url_inside_a_mention_name_is_not_linked() -> None:
    html = render("@[https://evil.example](person:5)")
    assert "<a" not in html
