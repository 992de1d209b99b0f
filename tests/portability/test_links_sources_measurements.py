"""Guardrails, driver links, phased targets, data sources and measurements in the open
format: exported, planned, imported and refused by field (docs/format.md)."""

from __future__ import annotations

import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from goalkeeper.bridges.models import DriverLink, Guardrail
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.okrs.models import KeyResult
from goalkeeper.portability.document import DocumentError, parse
from goalkeeper.portability.export import dump, export_document
from goalkeeper.portability.plan import make_plan
from goalkeeper.portability.services import import_document
from goalkeeper.sources.models import DataSource
from tests.conftest import World

DOCUMENT = textwrap.dedent(
    """\
    version: 1
    cycles:
    - name: 2027-Q1
      start: '2027-01-01'
      end: '2027-03-31'
      state: active
    data_sources:
    - key: billing
      name: Billing API
      kind: http_json
      settings:
        url: https://billing.example.com/v1/mrr
        value_path: $.data.mrr
      interval_minutes: 120
    kpis:
    - key: churn
      name: Churn
      team: sales
      direction: lower_is_better
      target: 2
    - key: mrr
      name: Monthly recurring revenue
      team: sales
      target: 100000
      data_source: billing
      drives:
      - kpi: churn
        note: Revenue falls when customers leave.
      - key_result: grow-revenue/mrr
    objectives:
    - key: grow-revenue
      cycle: 2027-Q1
      team: sales
      title: Grow revenue
      guardrails:
      - kpi: churn
        note: Do not buy growth with churn.
      key_results:
      - key: mrr
        title: Reach 120k MRR
        start: 80000
        target: 120000
        phases:
        - until: '2027-01-31'
          value: 90000
        - until: '2027-02-28'
          value: 100000
    """
)


def _import(world: World, text: str, **options: object) -> str:
    plan = make_plan(world.acme, parse(text, "okrs.yaml"), **options)  # type: ignore[arg-type]
    import_document(plan, workspace=world.acme, actor=world.admin)
    return plan.summary()


def test_links_phases_and_a_source_are_imported_and_a_second_import_changes_nothing(
    world: World,
) -> None:
    summary = _import(world, DOCUMENT)

    assert summary == (
        "create 1 cycle, 2 KPIs, 1 data source, 1 objective, 1 key result, 1 guardrail, "
        "2 driver links, delete nothing, 1 data source needs its secrets"
    )
    mrr = Kpi.objects.get(workspace=world.acme, name="Monthly recurring revenue")
    churn = Kpi.objects.get(workspace=world.acme, name="Churn")
    source = DataSource.objects.get(kpi=mrr)
    assert (source.kind, source.interval_minutes, source.sealed_secrets) == ("http_json", 120, "")
    assert source.settings["url"] == "https://billing.example.com/v1/mrr"
    assert mrr.data_source == "Billing API"
    key_result = KeyResult.objects.get(objective__workspace=world.acme, title="Reach 120k MRR")
    assert [phase["value"] for phase in key_result.phases] == [90000.0, 100000.0]
    assert Guardrail.objects.get(objective=key_result.objective).kpi == churn
    assert DriverLink.objects.filter(leading=mrr).count() == 2
    assert _import(world, DOCUMENT) == "nothing to change"
    exported = dump(export_document(world.acme))
    assert "  data_source: mrr\n" in exported
    assert make_plan(world.acme, parse(exported, "again.yaml")).summary() == "nothing to change"


def test_a_dropped_guardrail_and_a_changed_driver_note_are_planned(world: World) -> None:
    _import(world, DOCUMENT)
    changed = DOCUMENT.replace(
        "  guardrails:\n  - kpi: churn\n    note: Do not buy growth with churn.\n", ""
    ).replace("note: Revenue falls", "note: Revenue drops")

    plan = make_plan(world.acme, parse(changed, "okrs.yaml"))

    assert plan.summary() == ("create 1 driver link, delete 1 guardrail, 1 driver link")
    import_document(plan, workspace=world.acme, actor=world.admin)
    assert not Guardrail.objects.filter(workspace=world.acme).exists()
    assert DriverLink.objects.get(lagging_kpi__name="Churn").note.startswith("Revenue drops")


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "value_path: $.data.mrr",
            "value_path: $.data.mrr\n    headers: 'Authorization: x'",
            r"okrs.yaml:14: data_sources\[0\].settings.headers: is secret",
        ),
        ("kind: http_json", "kind: telepathy", r"okrs.yaml:10: data_sources\[0\].kind: unknown"),
        (
            "  - kpi: churn\n    note: Do",
            "  - kpi: nps\n    note: Do",
            r"guardrails\[0\].kpi: no KPI",
        ),
        ("- key_result: grow-revenue/mrr", "- key_result: grow-revenue/nps", "drives"),
        ("    - until: '2027-01-31'", "    - until: soon", r"phases\[0\].until"),
    ],
)
def test_a_wrong_field_in_a_new_section_is_refused_leaving_nothing(
    world: World, old: str, new: str, where: str
) -> None:
    assert old in DOCUMENT
    with pytest.raises(DocumentError, match=where):
        _import(world, DOCUMENT.replace(old, new))
    assert not Kpi.objects.filter(workspace=world.acme, name="Churn").exists()


def test_a_service_refusal_of_a_source_setting_names_it(world: World) -> None:
    wrong = DOCUMENT.replace("https://billing.example.com/v1/mrr", "ftp://billing")

    with pytest.raises(DocumentError, match=r"okrs.yaml:\d+: data_sources\[0\].settings.url"):
        _import(world, wrong)
    assert not Kpi.objects.filter(workspace=world.acme, name="Churn").exists()


def test_measurements_are_read_back_from_the_files_export_wrote(
    world: World, tmp_path: Path
) -> None:
    _import(world, DOCUMENT)
    mrr = Kpi.objects.get(workspace=world.acme, name="Monthly recurring revenue")
    (tmp_path / "okrs.yaml").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "values").mkdir()
    (tmp_path / "values" / "mrr.csv").write_text(
        "timestamp,value\n2027-01-01T00:00:00Z,81000\n2027-02-01T00:00:00Z,90500.5\n",
        encoding="utf-8",
    )
    args = [str(tmp_path / "okrs.yaml"), "--workspace", world.acme.slug]
    out = StringIO()

    call_command("import", *args, "--with-measurements", str(tmp_path / "values"), stdout=out)

    assert "Plan: add 2 measurements, delete nothing." in out.getvalue()
    assert sorted(Measurement.objects.filter(kpi=mrr).values_list("value", flat=True)) == [
        81000.0,
        90500.5,
    ]
    call_command(
        "export",
        "--workspace",
        world.acme.slug,
        "--with-measurements",
        str(tmp_path / "out"),
        stdout=StringIO(),
    )
    assert (tmp_path / "out" / "mrr.csv").read_text() == (
        tmp_path / "values" / "mrr.csv"
    ).read_text()
    again = StringIO()
    call_command("import", *args, "--with-measurements", str(tmp_path / "out"), stdout=again)
    assert "Plan: nothing to change." in again.getvalue()
    assert Measurement.objects.filter(kpi=mrr).count() == 2


def test_a_bad_measurement_row_names_its_file_line_and_column(world: World, tmp_path: Path) -> None:
    from goalkeeper.portability.document import read_measurements

    (tmp_path / "mrr.csv").write_text(
        "timestamp,value\n2027-01-01T00:00:00Z,81000\n2027-02-01T00:00:00Z,lots\n",
        encoding="utf-8",
    )

    with pytest.raises(DocumentError, match=r"mrr.csv:3: value: 'lots' is not a number"):
        read_measurements(tmp_path, ["mrr", "churn"])


COMMENTS = DOCUMENT.replace(
    "  title: Grow revenue\n",
    "  title: Grow revenue\n"
    "  comments:\n"
    "  - at: '2027-01-04T10:00:00Z'\n"
    "    author: eddie@acme.test\n"
    "    body: Ask @[Ada Admin](person:ada@acme.test) about the pricing.\n"
    "  - at: '2027-01-05T10:00:00Z'\n"
    "    author: nina@acme.test\n"
    "    body: On it.\n",
) + ("people:\n- email: nina@acme.test\n  name: Nina New\n")


def test_comments_keep_their_author_time_and_mentions_and_import_once(world: World) -> None:
    from goalkeeper.comments.models import Comment

    summary = _import(world, COMMENTS)

    assert "1 person" in summary
    assert "2 comments" in summary
    first, second = Comment.objects.filter(workspace=world.acme, subject_type="objective")
    assert first.author == world.editor
    assert first.body == f"Ask @[Ada Admin](person:{world.admin.pk}) about the pricing."
    assert list(first.mentions.all()) == [world.admin]
    assert first.created_at.isoformat() == "2027-01-04T10:00:00+00:00"
    # Someone the document brings arrives deactivated, and their comment keeps them.
    assert second.author is not None
    assert not second.author.is_active
    assert _import(world, COMMENTS) == "nothing to change"
    assert "body: Ask @[Ada Admin](person:ada@acme.test) about the pricing." in dump(
        export_document(world.acme)
    )


def test_a_changed_comment_or_an_unknown_mention_is_refused_by_field(world: World) -> None:
    _import(world, COMMENTS)

    with pytest.raises(DocumentError, match=r"okrs.yaml:\d+: objectives\[0\].comments\[1\].body"):
        make_plan(world.acme, parse(COMMENTS.replace("On it.", "Done."), "okrs.yaml"))
    unknown = COMMENTS.replace("person:ada@acme.test", "person:zed@acme.test")
    with pytest.raises(DocumentError, match=r"comments\[0\].body: mentions 'zed@acme.test'"):
        make_plan(world.acme, parse(unknown, "okrs.yaml"))


def test_a_sources_secrets_never_leave_and_an_import_keeps_the_ones_it_has(world: World) -> None:
    from goalkeeper.sources import services as sources

    _import(world, DOCUMENT)
    mrr = Kpi.objects.get(workspace=world.acme, name="Monthly recurring revenue")
    source = DataSource.objects.get(kpi=mrr)
    configuration = sources.configure(
        kpi=mrr,
        kind="http_json",
        values={**source.settings, "headers": "Authorization: Bearer s3cret"},
    )
    sources.update_source(
        actor=world.admin,
        source=source,
        configuration=configuration,
        interval_minutes=120,
        is_active=True,
    )

    text = dump(export_document(world.acme))

    assert "s3cret" not in text
    assert "headers" not in text
    moved = DOCUMENT.replace("value_path: $.data.mrr", "value_path: $.data.total")
    assert _import(world, moved) == "update 1 data source, delete nothing"
    source.refresh_from_db()
    assert source.settings["value_path"] == "$.data.total"
    assert sources.open_secrets(source.sealed_secrets)[0] == {
        "headers": "Authorization: Bearer s3cret"
    }
