"""The thread fragments and the pages that show them: scoping, CSRF, rights, bounded reads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.comments.models import Comment, Reaction
from goalkeeper.comments.services import add_comment, toggle_reaction
from goalkeeper.okrs.services import create_key_result, record_check_in
from tests.conftest import Everything, World

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _thread_url(subject_type: str, subject_id: int) -> str:
    return f"{reverse('comments')}?subject_type={subject_type}&subject_id={subject_id}"


def test_a_thread_shows_its_empty_state_and_form(world: World, things: Everything) -> None:
    response = world.client_for(world.editor).get(_thread_url("kpi", things.acme.kpi.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No comments yet. Ask a question or share context; type @ to mention someone." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'data-mention-source="/pick/people/"' in html


def test_another_workspaces_subject_is_missing(world: World, things: Everything) -> None:
    client = world.client_for(world.editor)
    for subject in ("objective", "key_result", "check_in", "kpi"):
        url = _thread_url(subject, things.globex.ids[subject])
        assert client.get(url).status_code == 404
        posted = client.post(
            reverse("comments"),
            {"subject_type": subject, "subject_id": things.globex.ids[subject], "body": "hi"},
        )
        assert posted.status_code == 404
    assert not Comment.objects.exists()


def test_another_workspaces_comment_is_missing(world: World, things: Everything) -> None:
    comment = add_comment(
        actor=world.outsider, subject_type="kpi", subject_id=things.globex.kpi.pk, body="ours"
    )
    client = world.client_for(world.admin)
    assert client.get(reverse("comment_item", args=[comment.pk])).status_code == 404
    assert client.post(reverse("comment_edit", args=[comment.pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse("comment_delete", args=[comment.pk])).status_code == 404
    assert Comment.objects.get().body == "ours"


def test_a_post_without_the_csrf_token_is_refused(world: World, things: Everything) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.editor.user)
    response = client.post(
        reverse("comments"),
        {"subject_type": "kpi", "subject_id": things.acme.kpi.pk, "body": "hi"},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_posting_answers_the_thread_with_the_comment(world: World, things: Everything) -> None:
    body = f"See https://example.com <b>now</b> @[Ada](person:{world.admin.pk})"
    response = world.client_for(world.editor).post(
        reverse("comments"),
        {"subject_type": "objective", "subject_id": things.acme.objective.pk, "body": body},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<a href="https://example.com" rel="nofollow noopener noreferrer" target="_blank">' in html
    )
    assert "&lt;b&gt;now&lt;/b&gt;" in html
    assert f'<span class="mention" data-person-id="{world.admin.pk}">@Ada Admin</span>' in html
    assert Comment.objects.get().body == body


def test_a_refused_post_keeps_the_draft_and_names_the_field(
    world: World, things: Everything
) -> None:
    body = f"hi @[Oscar](person:{world.outsider.pk})"
    response = world.client_for(world.editor).post(
        reverse("comments"),
        {"subject_type": "kpi", "subject_id": things.acme.kpi.pk, "body": body},
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"Body: @person:{world.outsider.pk} is not a person in this workspace" in html
    assert f"hi @[Oscar](person:{world.outsider.pk})</textarea>" in html


def test_a_viewer_reads_but_has_no_form(world: World, things: Everything) -> None:
    add_comment(actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="hi")
    client = world.client_for(world.viewer)
    html = client.get(_thread_url("kpi", things.acme.kpi.pk)).content.decode()
    assert "hi" in html
    assert "data-comment-form" not in html
    posted = client.post(
        reverse("comments"), {"subject_type": "kpi", "subject_id": things.acme.kpi.pk, "body": "x"}
    )
    assert posted.status_code == 403


def test_the_author_edits_inline(world: World, things: Everything) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        comment = add_comment(
            actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="typo"
        )
        client = world.client_for(world.editor)
        form = client.get(reverse("comment_edit", args=[comment.pk]), **HTMX)
        assert "typo</textarea>" in form.content.decode()
        saved = client.post(reverse("comment_edit", args=[comment.pk]), {"body": "fixed"}, **HTMX)
    assert "fixed" in saved.content.decode()
    assert "(edited)" in saved.content.decode()


def test_only_the_author_gets_the_edit_form(world: World, things: Everything) -> None:
    comment = add_comment(
        actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="mine"
    )
    url = reverse("comment_edit", args=[comment.pk])
    assert world.client_for(world.admin).get(url, **HTMX).status_code == 403
    assert world.client_for(world.editor).get(url, **HTMX).status_code == 200


def test_an_edit_too_late_is_refused(world: World, things: Everything) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False) as t:
        comment = add_comment(
            actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="typo"
        )
        t.shift(dt.timedelta(minutes=20))
        response = world.client_for(world.editor).post(
            reverse("comment_edit", args=[comment.pk]), {"body": "fixed"}, **HTMX
        )
    assert response.status_code == 403
    assert Comment.objects.get().body == "typo"


def test_delete_answers_the_thread_without_the_comment(world: World, things: Everything) -> None:
    comment = add_comment(
        actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="gone soon"
    )
    response = world.client_for(world.admin).post(
        reverse("comment_delete", args=[comment.pk]), **HTMX
    )
    assert response.status_code == 200
    assert "gone soon" not in response.content.decode()
    assert "No comments yet" in response.content.decode()


def test_show_earlier_pages_beyond_fifty(world: World, things: Everything) -> None:
    for n in range(55):
        add_comment(
            actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body=f"c{n}."
        )
    client = world.client_for(world.editor)
    html = client.get(_thread_url("kpi", things.acme.kpi.pk)).content.decode()
    assert "c54." in html
    assert "c5." in html
    assert "c4." not in html
    assert "Show earlier comments" in html
    earliest_shown = Comment.objects.order_by("id")[5].pk
    earlier = client.get(_thread_url("kpi", things.acme.kpi.pk) + f"&before={earliest_shown}")
    text = earlier.content.decode()
    assert [f"c{n}." in text for n in range(5)] == [True] * 5
    assert "c5." not in text
    assert "Show earlier comments" not in text


def test_reacting_answers_the_bar(world: World, things: Everything) -> None:
    url = reverse("check_in_reaction", args=[things.acme.check_in.pk])
    client = world.client_for(world.editor)
    response = client.post(url, {"emoji": "rocket"}, **HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="true" data-emoji="rocket"' in response.content.decode()
    client.post(url, {"emoji": "rocket"}, **HTMX)
    assert not Reaction.objects.exists()
    assert client.post(url, {"emoji": "nope"}, **HTMX).status_code == 422
    other = reverse("check_in_reaction", args=[things.globex.check_in.pk])
    assert client.post(other, {"emoji": "rocket"}, **HTMX).status_code == 404


def test_the_kpi_page_shows_its_thread(world: World, things: Everything) -> None:
    add_comment(
        actor=world.editor, subject_type="kpi", subject_id=things.acme.kpi.pk, body="KPI talk"
    )
    html = world.client_for(world.viewer).get(reverse("kpi_detail", args=[things.acme.kpi.pk]))
    assert "KPI talk" in html.content.decode()
    assert f'id="comments-kpi-{things.acme.kpi.pk}"' in html.content.decode()


def _busy_objective(world: World, things: Everything, key_results: int, check_ins: int) -> None:
    objective = things.acme.objective
    for n in range(key_results):
        kr = create_key_result(
            actor=world.admin,
            objective=objective,
            title=f"KR {n}",
            kind="increase",
            start=0,
            target=100,
            owner=world.editor,
            kpi=None,
        )
        add_comment(actor=world.editor, subject_type="key_result", subject_id=kr.pk, body="kr")
        for m in range(check_ins):
            check_in = record_check_in(actor=world.editor, key_result=kr, value=m + 1, confidence=5)
            add_comment(
                actor=world.admin, subject_type="check_in", subject_id=check_in.pk, body="c"
            )
            toggle_reaction(actor=world.admin, check_in=check_in, emoji="tada")
    for n in range(3):
        add_comment(
            actor=world.editor,
            subject_type="objective",
            subject_id=objective.pk,
            body=f"@[Ada](person:{world.admin.pk}) {n}",
        )


def test_the_objective_page_reads_comments_in_bounded_queries(
    world: World, things: Everything
) -> None:
    """Five key results with three check-ins each cost no more queries than one with one."""
    _busy_objective(world, things, key_results=1, check_ins=1)
    client = world.client_for(world.editor)
    url = reverse("objective_detail", args=[things.acme.objective.pk])
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _busy_objective(world, things, key_results=4, check_ins=3)
    with CaptureQueriesContext(connection) as big:
        html = client.get(url).content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)
    # Each of the 5 key results and 13 check-ins has one comment and one reaction.
    assert html.count('<span class="thread-toggle__count">1 comment</span>') == 5 + 13
    assert html.count('<span aria-hidden="true">\U0001f389</span> 1') == 13
    # The objective's own thread (six comments) is loaded after the page, by htmx.
    assert '<span class="count">6</span>' in html
    assert (
        f'hx-get="/comments/?subject_type=objective&amp;subject_id={things.acme.objective.pk}"'
        in html
    )
