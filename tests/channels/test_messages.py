"""Payloads per platform match their documented shapes; user text is escaped for each."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalkeeper.channels.messages import (
    ADAPTIVE_CARD_CONTENT_TYPE,
    ELLIPSIS,
    KINDS,
    SLACK_HEADER_LIMIT,
    SLACK_TEXT_LIMIT,
    WORD_JOINER,
    ChatMessage,
    fit,
    markdown_escape,
    payload_for,
    slack_escape,
)

MESSAGE = ChatMessage(
    title="MRR is red",
    text="Fell to 41k <below> the 45k floor & still falling",
    url="https://goalkeeper.example/kpis/7/?tab=chart&range=90d",
    fields=(("Owner", "Ada Admin"), ("Health", "Red")),
    tone="red",
)
SLACK_BLOCK_TYPES = {"header", "section", "context", "actions", "divider"}
CARD_ELEMENT_TYPES = {"TextBlock", "RichTextBlock", "FactSet", "ColumnSet", "Container"}


def slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def markdown_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace(WORD_JOINER, ""), flags=re.DOTALL)


# --- Slack --------------------------------------------------------------------------------


def test_slack_blocks_each_have_a_type_and_a_fallback_text_is_present() -> None:
    payload = payload_for("slack", MESSAGE)

    assert payload["text"]
    assert [block["type"] for block in payload["blocks"]] == [
        "header",
        "section",
        "section",
        "actions",
        "context",
    ]
    assert all(block["type"] in SLACK_BLOCK_TYPES for block in payload["blocks"])


def test_slack_header_is_plain_text_and_section_is_escaped_mrkdwn() -> None:
    header, section, fields, actions, context = payload_for("slack", MESSAGE)["blocks"]

    assert header["text"]["type"] == "plain_text"
    assert header["text"]["text"] == ":red_circle: MRR is red"
    assert section["text"] == {
        "type": "mrkdwn",
        "text": "Fell to 41k &lt;below&gt; the 45k floor &amp; still falling",
    }
    assert fields["fields"] == [
        {"type": "mrkdwn", "text": "*Owner*\nAda Admin"},
        {"type": "mrkdwn", "text": "*Health*\nRed"},
    ]
    button = actions["elements"][0]
    assert button["type"] == "button"
    assert button["text"] == {"type": "plain_text", "text": "Open in Goalkeeper"}
    assert button["url"] == MESSAGE.url
    assert context["elements"][0]["type"] == "mrkdwn"
    # A link in mrkdwn is <url|text>, with & escaped inside it too.
    assert (
        "<https://goalkeeper.example/kpis/7/?tab=chart&amp;range=90d|Open in Goalkeeper>"
        in context["elements"][0]["text"]
    )


def test_slack_text_is_cut_to_its_limits_without_breaking_an_entity() -> None:
    message = ChatMessage(title="&" * 400, text="<" * 5000)
    header, section, _context = payload_for("slack", message)["blocks"]

    assert len(header["text"]["text"]) <= SLACK_HEADER_LIMIT
    assert len(section["text"]["text"]) <= SLACK_TEXT_LIMIT
    assert header["text"]["text"].endswith("&amp;" + ELLIPSIS)
    assert section["text"]["text"].endswith("&lt;" + ELLIPSIS)


def test_slack_message_without_text_or_link_has_only_header_and_context() -> None:
    payload = payload_for("slack", ChatMessage(title="", text="   "))

    assert [block["type"] for block in payload["blocks"]] == ["header", "context"]
    assert payload["blocks"][0]["text"]["text"] == "Goalkeeper"


def test_slack_link_url_with_a_bar_keeps_its_label() -> None:
    message = ChatMessage(title="t", text="x", url="https://g.example/a|b")
    context = payload_for("slack", message)["blocks"][-1]["elements"][0]["text"]

    assert "<https://g.example/a%7Cb|Open in Goalkeeper>" in context


# --- Microsoft Teams ----------------------------------------------------------------------


def test_teams_body_is_a_message_with_one_adaptive_card() -> None:
    payload = payload_for("teams", MESSAGE)

    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["type"] == "AdaptiveCard"
    assert tuple(int(part) for part in card["version"].split(".")) >= (1, 4)
    assert card["body"]
    assert all(item["type"] in CARD_ELEMENT_TYPES for item in card["body"])
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Goalkeeper", "url": MESSAGE.url}
    ]


def test_teams_text_runs_carry_user_text_as_written() -> None:
    card = payload_for("teams", MESSAGE)["attachments"][0]["content"]
    runs = [run for item in card["body"] for run in item["inlines"]]

    assert all(run["type"] == "TextRun" for run in runs)
    assert runs[0]["text"] == "MRR is red"
    assert runs[0]["color"] == "Attention"
    assert runs[1]["text"] == MESSAGE.text
    assert [run["text"] for run in runs[2:4]] == ["Owner: ", "Ada Admin"]


def test_teams_card_without_link_has_no_actions() -> None:
    card = payload_for("teams", ChatMessage(title="t", text="x"))["attachments"][0]["content"]

    assert "actions" not in card


# --- Mattermost and Rocket.Chat -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name_key", "bold"), [("mattermost", "username", "**"), ("rocketchat", "alias", "*")]
)
def test_slack_compatible_bodies_have_text_a_name_and_an_attachment(
    kind: str, name_key: str, bold: str
) -> None:
    payload = payload_for(kind, MESSAGE)

    assert payload[name_key] == "Goalkeeper"
    assert payload["text"].startswith(f"{bold}MRR is red{bold}")
    assert f"[Open in Goalkeeper]({MESSAGE.url})" in payload["text"]
    (attachment,) = payload["attachments"]
    assert attachment["title"] == "MRR is red"
    assert attachment["title_link"] == MESSAGE.url
    assert attachment["color"] == "#c62828"
    assert markdown_unescape(attachment["text"]) == MESSAGE.text
    assert attachment["fields"][0] == {"short": True, "title": "Owner", "value": "Ada Admin"}


def test_markdown_mentions_and_markup_in_user_text_are_defused() -> None:
    escaped = markdown_escape("@channel *bold* [x](http://evil.example)")

    assert "@channel" not in escaped
    assert "*bold*" not in escaped
    assert "](" not in escaped


# --- Generic JSON and errors --------------------------------------------------------------


def test_json_body_carries_the_message_as_given() -> None:
    payload = payload_for("json", MESSAGE)

    assert payload["type"] == "goalkeeper.chat_message"
    assert payload["message"]["text"] == MESSAGE.text
    assert payload["message"]["fields"] == [
        {"name": "Owner", "value": "Ada Admin"},
        {"name": "Health", "value": "Red"},
    ]


def test_an_unknown_kind_or_tone_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        payload_for("irc", MESSAGE)
    with pytest.raises(ValueError, match="tone"):
        ChatMessage(title="t", text="x", tone="purple")


# --- Any text: the JSON holds, the markup holds, the text comes back ----------------------

any_text = st.text(max_size=400)


@settings(max_examples=150, deadline=None)
@given(title=st.text(max_size=400) | st.text("<&>a", min_size=140, max_size=200), text=any_text)
def test_any_title_and_text_round_trip_in_every_format(title: str, text: str) -> None:
    message = ChatMessage(title=title, text=text, url="https://g.example/x", fields=(("a", text),))
    for kind in KINDS:
        payload = payload_for(kind, message)
        assert json.loads(json.dumps(payload, ensure_ascii=False)) == payload

    slack = payload_for("slack", message)
    for block in slack["blocks"]:
        if block["type"] == "section" and "text" in block:
            mrkdwn = block["text"]["text"]
            # No raw control character: every <, > and & is an entity of ours.
            assert "<" not in mrkdwn
            assert ">" not in mrkdwn
            assert html.unescape(mrkdwn) == slack_unescape(mrkdwn)
            assert slack_unescape(mrkdwn) == text
    header = slack["blocks"][0]["text"]["text"]
    assert len(header) <= SLACK_HEADER_LIMIT
    shown = title.strip() or "Goalkeeper"
    if header.endswith(ELLIPSIS) and not shown.endswith(ELLIPSIS):
        assert shown.startswith(slack_unescape(header.removesuffix(ELLIPSIS)))
    else:
        assert slack_unescape(header) == shown

    teams_runs = payload_for("teams", message)["attachments"][0]["content"]["body"]
    if text.strip():
        assert teams_runs[1]["inlines"][0]["text"] == text

    attachment = payload_for("mattermost", message)["attachments"][0]
    if text.strip():
        assert markdown_unescape(attachment["text"]) == text


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=300), limit=st.integers(min_value=2, max_value=200))
def test_fitted_text_stays_within_its_limit_and_is_a_prefix(text: str, limit: int) -> None:
    for escape, unescape in ((slack_escape, slack_unescape), (markdown_escape, markdown_unescape)):
        fitted = fit(text, limit, escape)
        assert len(fitted) <= limit
        kept = (
            unescape(fitted.removesuffix(ELLIPSIS))
            if fitted.endswith(ELLIPSIS)
            else unescape(fitted)
        )
        assert text.startswith(kept)
