"""The review as files: PDF (a print page through WeasyPrint), PowerPoint and Excel
(docs/reports.md#documents). Each takes the read model's figures and writes them; none
computes a figure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.documents.pdf import pdf_from_html
from goalkeeper.documents.sheets import Cell, Sheet, xlsx_bytes
from goalkeeper.documents.slides import Deck
from goalkeeper.documents.svg import bar_chart_svg, line_chart_svg
from goalkeeper.domain.scoring import ScoreBand
from goalkeeper.okrs.facts import KEY_RESULT_FACT_FIELDS, cycle_facts, key_result_facts
from goalkeeper.okrs.figures import key_result_figures_from
from goalkeeper.okrs.models import Cycle, KeyResult, Objective
from goalkeeper.reports.document import ReviewDocument, TeamSection, review_document
from goalkeeper.reports.moves import KpiMove
from goalkeeper.reports.review import (
    band_counts,
    carried_over,
    kind_label,
    kind_results,
    retrospectives,
    review_objective,
    review_scope,
    scope_kpi_moves,
)

# The design's fills for final-score colours (the app's --green-fill, --amber-fill, --red-fill).
FILLS = {ScoreBand.GREEN: "#16a34a", ScoreBand.YELLOW: "#f59e0b", ScoreBand.RED: "#dc2626"}
FORMATS = ("pdf", "pptx", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def objective_header() -> tuple[str, ...]:
    """The columns of a team's objectives on a slide, in the person's language."""
    return (_("Objective"), _("Owner"), _("Kind"), _("Score"), pgettext("score", "Band"))


def review_file(
    fmt: str, workspace: Workspace, cycle: Cycle, clock: Clock, team_id: int | None = None
) -> bytes:
    """The review of `cycle` (a team's subtree, or all) as a `fmt` file."""
    if fmt == "pdf":
        return review_pdf(review_document(workspace, cycle, clock, team_id))
    if fmt == "pptx":
        return review_pptx(review_document(workspace, cycle, clock, team_id))
    if fmt == "xlsx":
        return review_xlsx(workspace, cycle, clock, team_id)
    raise ValueError(f"format: must be one of {', '.join(FORMATS)}, not {fmt!r}")


def file_name(cycle: Cycle, fmt: str) -> str:
    """The download's name: the cycle's name, made safe for a file system."""
    safe = "".join(
        c if c.isalnum() or c in "-_" else "-" for c in cycle.name or f"cycle-{cycle.pk}"
    )
    return f"{safe}-review.{fmt}"


# --- PDF ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedKpi:
    """A KPI in the print page, with its chart drawn as inline SVG."""

    move: KpiMove
    chart: SafeString


def review_pdf(document: ReviewDocument) -> bytes:
    """The PDF: title page, summary, one section per team."""
    bands_chart = _safe_svg(
        bar_chart_svg(
            [band.label for band in document.bands],
            [float(band.count) for band in document.bands],
            colours=[FILLS[band.colour] for band in document.bands],
            title=_("Objectives by score band"),
            width=6.5,
            height=2.4,
        )
    )
    html = render_to_string(
        "reports/review_print.html",
        {
            "document": document,
            "bands_chart": bands_chart,
            "kpis": [_printed(document, move, 6.5) for move in document.kpis],
            "sections": [
                (section, [_printed(document, move, 3.1) for move in section.kpis])
                for section in document.sections
            ],
        },
    )
    return pdf_from_html(html)


def _printed(document: ReviewDocument, move: KpiMove, width: float) -> PrintedKpi:
    # A KPI measured hourly has too many periods in a cycle to chart: the chart says so.
    points = document.series.get(move.id) or []
    chart = line_chart_svg(
        [(point.day, point.value) for point in points],
        unit=move.unit,
        title=_("%(kpi)s over the cycle") % {"kpi": move.name},
        width=width,
        height=1.7,
    )
    return PrintedKpi(move, _safe_svg(chart))


def _safe_svg(svg: str) -> SafeString:
    # matplotlib escapes every text it writes into the SVG and `documents.svg` escapes the
    # title: the element is markup to embed as it is.
    return mark_safe(svg)  # noqa: S308


# --- PowerPoint --------------------------------------------------------------------------------


def review_pptx(document: ReviewDocument) -> bytes:
    """The deck: a title slide, a summary, one slide per team (objectives and KPI charts)."""
    deck = Deck(document.title, document.subtitle)
    deck.add_bullets(_("Summary"), summary_lines(document))
    for section in document.sections:
        rows, fills = _objective_rows(section)
        charts = []
        for move in section.kpis:
            points = document.series.get(move.id) or []
            if points:
                charts.append(
                    (move.name, [point.label for point in points], [p.value for p in points])
                )
        title = section.name
        if section.left_out:
            title = _("%(team)s (%(shown)s of %(total)s objectives)") % {
                "team": section.name,
                "shown": len(section.objectives),
                "total": section.total,
            }
        deck.add_team(title, objective_header(), rows, fills, charts)
    return deck.to_bytes()


def summary_lines(document: ReviewDocument) -> list[str]:
    """The summary as sentences: bands, kinds against their lines, KPIs, what was cut."""
    first = ngettext("%(count)s objective", "%(count)s objectives", document.total) % {
        "count": document.total
    }
    if document.unscored:
        first += ", " + _("%(count)s without a score") % {"count": document.unscored}
    if document.provisional:
        first += " · " + _("provisional scores: the cycle is not closed")
    scores = ", ".join(
        f"{band.label}: {band.count} ({_share(band.share)})" for band in document.bands
    )
    lines = [first, _("Scores: %(bands)s") % {"bands": scores}]
    for kind in document.kinds:
        if kind.scored:
            lines.append(
                _("%(kind)s: %(met)s of %(scored)s reached %(line)s (%(share)s)")
                % {
                    "kind": kind_label(kind.kind.value),
                    "met": kind.met,
                    "scored": kind.scored,
                    "line": number_format(kind.expected, 1),
                    "share": _share(kind.share or 0),
                }
            )
    if document.kpis:
        biggest = document.kpis[0]
        lines.append(
            _("%(count)s KPIs aimed at; biggest move: %(kpi)s %(change)s")
            % {
                "count": document.kpis_total,
                "kpi": biggest.name,
                "change": _change(biggest.change),
            }
        )
    if document.teams_left_out:
        lines.append(
            ngettext(
                "%(count)s more team with objectives is not shown: filter the review by team.",
                "%(count)s more teams with objectives are not shown: filter the review by team.",
                document.teams_left_out,
            )
            % {"count": document.teams_left_out}
        )
    return lines


def _objective_rows(section: TeamSection) -> tuple[list[list[str]], list[str | None]]:
    rows, fills = [], []
    for objective in section.objectives:
        rows.append(
            [
                objective.title,
                objective.owner_name,
                kind_label(objective.kind),
                _score(objective.score),
                objective.band_label,
            ]
        )
        fills.append(FILLS[objective.colour] if objective.colour is not None else None)
    return rows, fills


def _score(score: float | None) -> str:
    return number_format(score, 1) if score is not None else "-"


def _share(share: float) -> str:
    return f"{share:.0%}"


def _change(change: float | None) -> str:
    return f"{change:+.0%}" if change is not None else "-"


# --- Excel -------------------------------------------------------------------------------------


def review_xlsx(
    workspace: Workspace, cycle: Cycle, clock: Clock, team_id: int | None = None
) -> bytes:
    """The workbook: Summary, Objectives, Key results, Retrospectives, KPIs (every row of the
    review's scope, not bounded: a spreadsheet is where all of it is read)."""
    scope = review_scope(workspace, cycle, clock, team_id)
    standing = {s.id: s for s in scope.standings}
    titles = {
        pk: title
        for pk, title in Objective.objects.filter(workspace=workspace, cycle=cycle).values_list(
            "id", "title"
        )
        if pk in standing
    }
    lines = [review_objective(standing[pk], titles.get(pk, ""), scope) for pk in sorted(standing)]
    moves, _moves_total = scope_kpi_moves(workspace, cycle, clock, scope, None)
    notes, _notes_total = retrospectives(workspace, cycle, scope, 0, None)
    carried, _carried_total = carried_over(workspace, cycle, scope, None)
    summary: list[list[Cell]] = [
        [_("Cycle"), cycle.name],
        [_("Team"), scope.team.label if scope.team else _("Whole workspace")],
        [
            _("Scores"),
            _("Provisional (cycle not closed)") if cycle.state != "closed" else _("Final"),
        ],
        [_("Objectives"), len(scope.standings)],
    ]
    summary += [
        [_("Band %(band)s") % {"band": band.label}, band.count]
        for band in band_counts(scope.standings)
    ]
    for kind in kind_results(scope.standings):
        word = kind_label(kind.kind.value)
        summary.append([_("%(kind)s scored") % {"kind": word}, kind.scored])
        summary.append(
            [
                _("%(kind)s met %(line)s")
                % {"kind": word, "line": number_format(kind.expected, 1)},
                kind.met,
            ]
        )
    summary.append([_("Carried over"), len(carried)])
    sheets = [
        Sheet(_("Summary"), [_("Figure"), _("Value")], summary),
        Sheet(
            _("Objectives"),
            [
                "ID",
                _("Objective"),
                _("Team"),
                _("Owner"),
                _("Kind"),
                _("Score"),
                pgettext("score", "Band"),
                _("Met its line"),
                _("Final"),
            ],
            (
                [
                    o.id,
                    o.title,
                    o.team_name,
                    o.owner_name,
                    o.kind,
                    o.score,
                    o.band_label,
                    o.met,
                    o.final,
                ]
                for o in lines
            ),
        ),
        Sheet(
            _("Key results"),
            [
                "ID",
                _("Objective ID"),
                _("Key result"),
                _("Kind"),
                _("Progress"),
                _("Score"),
                _("KPI ID"),
            ],
            _key_result_rows(workspace, cycle, clock, set(standing)),
        ),
        Sheet(
            _("Retrospectives"),
            [
                _("Objective ID"),
                _("Objective"),
                _("Team"),
                _("Score"),
                pgettext("score", "Band"),
                _("Retrospective"),
            ],
            (
                [
                    r.objective.id,
                    r.objective.title,
                    r.objective.team_name,
                    r.objective.score,
                    r.objective.band_label,
                    r.note,
                ]
                for r in notes
            ),
        ),
        Sheet(
            "KPIs",
            [
                "ID",
                "KPI",
                _("Team"),
                _("Unit"),
                _("Start period"),
                _("Start value"),
                _("End period"),
                _("End value"),
                _("Change"),
                _("Health"),
                _("Objectives"),
            ],
            (
                [
                    m.id,
                    m.name,
                    m.team_name,
                    m.unit,
                    m.start_label,
                    m.start_value,
                    m.end_label,
                    m.end_value,
                    m.change,
                    m.health.value,
                    ", ".join(str(o) for o in m.objective_ids),
                ]
                for m in moves
            ),
        ),
        Sheet(
            _("Carried over"),
            [
                _("Objective ID"),
                _("Objective"),
                _("Team"),
                _("Score"),
                _("Copy ID"),
                _("Into cycle"),
            ],
            (
                [c.objective_id, c.title, c.team_name, c.score, c.copy_id, c.copy_cycle]
                for c in carried
            ),
        ),
    ]
    return xlsx_bytes(sheets)


def _key_result_rows(
    workspace: Workspace, cycle: Cycle, clock: Clock, objective_ids: set[int]
) -> Iterator[Sequence[Cell]]:
    period = cycle_facts(cycle)
    rows = (
        KeyResult.objects.filter(workspace=workspace, objective__cycle=cycle)
        .order_by("objective_id", "position", "id")
        .values(*KEY_RESULT_FACT_FIELDS, "title", "kind", "kpi_id")
    )
    for values in rows.iterator(chunk_size=2000):
        if values["objective_id"] not in objective_ids:
            continue
        figures = key_result_figures_from(key_result_facts(values), period, clock)
        yield [
            values["id"],
            values["objective_id"],
            values["title"],
            values["kind"],
            figures.progress,
            figures.score,
            values["kpi_id"],
        ]
