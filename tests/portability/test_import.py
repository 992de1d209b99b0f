"""Importing a document: the plan, refusals naming file, line and field, prune (docs/format.md)."""

from __future__ import annotations

import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from goalkeeper.audit.models import AuditEntry
from goalkeeper.events import recorded
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from goalkeeper.portability.document import DocumentError, parse
from goalkeeper.portability.export import Scope, dump, export_document
from goalkeeper.portability.plan import make_plan
from goalkeeper.portability.services import import_document
from tests.conftest import World

DOCUMENT = textwrap.dedent(
    """\
    version: 1
    cycles:
    - name: 2027-Q1
      start: '2027-01-01'
      end: '2027-03-31'
      state: active
    kpis:
    - key: mrr
      name: Monthly recurring revenue
      team: sales
      unit: EUR
      target: 100000
      warning: 90000
    objectives:
    - key: grow-revenue
      cycle: 2027-Q1
      team: sales
      title: Grow revenue
      owner: eddie@acme.test
      key_results:
      - key: mrr
        title: Reach 120k MRR
        start: 80000
        target: 120000
        kpi: mrr
      - key: ship
        title: Ship the partner portal
        kind: milestone
        check_ins:
        - at: '2027-01-10T09:00:00Z'
          done: true
          confidence: 8
          author: eddie@acme.test
    """
)


def _import(world: World, text: str, *, prune: bool = False) -> str:
    plan = make_plan(world.acme, parse(text, "okrs.yaml"), prune=prune)
    import_document(plan, workspace=world.acme, actor=world.admin)
    return plan.summary()


def test_a_plan_says_what_it_creates_and_a_second_import_changes_nothing(world: World) -> None:
    summary = _import(world, DOCUMENT)

    assert summary == (
        "create 1 cycle, 1 KPI, 1 objective, 2 key results, 1 check-in, delete nothing"
    )
    objective = Objective.objects.get(workspace=world.acme, title="Grow revenue")
    assert objective.owner == world.editor
    assert KeyResult.objects.get(objective=objective, title="Reach 120k MRR").kpi is not None
    assert CheckIn.objects.filter(key_result__objective=objective, done=True).count() == 1
    assert AuditEntry.objects.filter(action="objective.created", actor=world.admin).exists()
    assert _import(world, DOCUMENT) == "nothing to change"


def test_a_changed_target_is_planned_as_one_update(world: World) -> None:
    _import(world, DOCUMENT)
    changed = DOCUMENT.replace("target: 120000", "target: 130000")

    plan = make_plan(world.acme, parse(changed, "okrs.yaml"))

    assert plan.summary() == "update 1 key result, delete nothing"
    assert [str(step) for step in plan.steps] == ["update key result grow-revenue/mrr: target"]


def test_a_wrong_field_is_refused_naming_file_line_and_field(world: World) -> None:
    wrong = DOCUMENT.replace("    kind: milestone\n", "    kind: milestone\n    colour: red\n")

    with pytest.raises(DocumentError) as refused:
        parse(wrong, "okrs.yaml")

    problem = refused.value.problems[0]
    assert (problem.file, problem.line) == ("okrs.yaml", 29)
    assert problem.field == "objectives[0].key_results[1].colour"
    assert str(problem).startswith("okrs.yaml:29: objectives[0].key_results[1].colour")


def test_a_refusal_by_a_service_leaves_nothing_written(world: World) -> None:
    # The schema allows it; the key result refuses a target equal to its start.
    wrong = DOCUMENT.replace("target: 120000", "target: 80000")
    cycles = Cycle.objects.filter(workspace=world.acme).count()

    with pytest.raises(DocumentError) as refused:
        _import(world, wrong)

    assert str(refused.value.problems[0]).startswith(
        "okrs.yaml:24: objectives[0].key_results[0].target"
    )
    assert Cycle.objects.filter(workspace=world.acme).count() == cycles
    assert not Kpi.objects.filter(workspace=world.acme, name="Monthly recurring revenue").exists()


def test_a_reference_to_nothing_is_refused_with_its_line(world: World) -> None:
    wrong = DOCUMENT.replace("owner: eddie@acme.test", "owner: nobody@acme.test")

    with pytest.raises(DocumentError) as refused:
        make_plan(world.acme, parse(wrong, "okrs.yaml"))

    assert str(refused.value) == (
        "okrs.yaml:19: objectives[0].owner: no person 'nobody@acme.test' in the file or the "
        "workspace"
    )


def test_prune_deletes_what_the_file_no_longer_has_within_its_scope(world: World) -> None:
    _import(world, DOCUMENT)
    document = export_document(world.acme, Scope(cycle="2027-Q1"))
    document["objectives"][0]["key_results"].pop(1)
    text = dump(document)

    assert make_plan(world.acme, parse(text)).summary() == "nothing to change"
    assert _import(world, text, prune=True) == "delete 1 key result"
    assert not KeyResult.objects.filter(title="Ship the partner portal").exists()


def test_the_commands_export_and_import_with_a_dry_run(world: World, tmp_path: Path) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(DOCUMENT, encoding="utf-8")
    out = StringIO()

    call_command("import", str(path), "--workspace", world.acme.slug, "--dry-run", stdout=out)

    assert "Plan: create 1 cycle, 1 KPI, 1 objective" in out.getvalue()
    assert not Cycle.objects.filter(workspace=world.acme, name="2027-Q1").exists()
    call_command("import", str(path), "--workspace", world.acme.slug, stdout=StringIO())
    exported = StringIO()
    call_command("export", "--workspace", world.acme.slug, "--cycle", "2027-Q1", stdout=exported)
    assert "title: Reach 120k MRR" in exported.getvalue()
    path.write_text(exported.getvalue(), encoding="utf-8")
    again = StringIO()
    call_command("import", str(path), "--workspace", world.acme.slug, stdout=again)
    assert "Plan: nothing to change." in again.getvalue()


def test_the_import_command_names_the_line_of_a_wrong_field(world: World, tmp_path: Path) -> None:
    path = tmp_path / "okrs.yaml"
    path.write_text(DOCUMENT.replace("state: active", "state: paused"), encoding="utf-8")

    with pytest.raises(CommandError, match=r"okrs.yaml:6: cycles\[0\].state"):
        call_command("import", str(path), "--workspace", world.acme.slug, stdout=StringIO())


def test_aliases_and_deep_nesting_are_refused_before_anything_is_read() -> None:
    laughs = "version: 1\na: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"

    with pytest.raises(DocumentError, match=r"bomb.yaml:3: .*aliases"):
        parse(laughs, "bomb.yaml")
    with pytest.raises(DocumentError, match="nested too deeply"):
        parse("[" * 100_000, "deep.yaml")


def test_characters_yaml_does_not_allow_are_refused_with_the_file_named() -> None:
    with pytest.raises(DocumentError, match=r"odd.yaml.*not valid YAML or JSON"):
        parse("version: 1\nname: \ud918\udf74\x14", "odd.yaml")


def test_defaults_written_out_and_upper_case_emails_plan_nothing(world: World) -> None:
    person = "people:\n- email: eddie@acme.test\n  name: Eddie Editor\n  teams:\n  - team: sales\n"
    _import(world, DOCUMENT + person)
    spelled_out = DOCUMENT.replace("owner: eddie@acme.test", "owner: Eddie@ACME.test").replace(
        "    kind: milestone\n", "    kind: milestone\n    weight: 1.0\n"
    ) + person.replace("eddie@", "Eddie@").replace("team: sales", "{team: sales, lead: false}")

    assert make_plan(world.acme, parse(spelled_out, "okrs.yaml")).summary() == ("nothing to change")


def test_a_new_check_in_older_than_the_latest_is_refused(world: World) -> None:
    _import(world, DOCUMENT)
    earlier = DOCUMENT.replace(
        "    - at: '2027-01-10T09:00:00Z'\n",
        "    - at: '2027-01-05T09:00:00Z'\n      done: false\n    - at: '2027-01-10T09:00:00Z'\n",
    )

    with pytest.raises(DocumentError, match=r"okrs.yaml:30: .*check_ins\[0\].at: is older"):
        make_plan(world.acme, parse(earlier, "okrs.yaml"))


def test_a_template_is_refused_as_an_import_naming_its_header(world: World) -> None:
    path = Path("goalkeeper/library/templates/sales.yaml")
    document = parse(path.read_text(encoding="utf-8"), path.name)

    with pytest.raises(DocumentError) as refused:
        make_plan(world.acme, document)

    problem = refused.value.problems[0]
    assert (problem.file, problem.field) == ("sales.yaml", "template")
    assert "Templates page" in str(problem)


def test_a_key_results_history_is_written_and_only_its_latest_check_in_announced(
    world: World,
) -> None:
    history = DOCUMENT.replace(
        "    kpi: mrr\n",
        "    kpi: mrr\n"
        "  - key: partners\n"
        "    title: Sign partners\n"
        "    start: 0\n"
        "    target: 10\n"
        "    check_ins:\n"
        + "".join(
            f"    - at: '2027-01-{day:02d}T09:00:00Z'\n"
            f"      value: {value}\n"
            "      author: eddie@acme.test\n"
            for day, value in ((3, 1), (10, 2), (17, 4))
        ),
    )
    assert "Sign partners" in history

    with recorded() as seen:
        _import(world, history)

    partners = KeyResult.objects.get(objective__title="Grow revenue", title="Sign partners")
    assert list(partners.check_ins.order_by("created_at").values_list("value", flat=True)) == [
        1,
        2,
        4,
    ]
    assert partners.current == 4
    announced = [e.payload["check_in"]["value"] for e in seen if e.name == "check_in.created"]
    # The partners' latest and the milestone's only check-in; every one has its audit entry.
    assert sorted(v for v in announced if v is not None) == [4]
    assert AuditEntry.objects.filter(action="check_in.created", object_id=partners.pk).count() == 3
