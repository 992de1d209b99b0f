"""Forms of the dashboard pages: a dashboard's settings, a new tile of each kind, a link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.pickers import teams_source
from goalkeeper.dashboards.configs import INSIGHT_CHARTS, MAX_TEXT, MAX_TITLE
from goalkeeper.dashboards.models import Sharing, TileKind
from goalkeeper.dashboards.services import LINK_DAYS
from goalkeeper.kpis.pickers import kpis_source
from goalkeeper.okrs.pickers import objectives_source
from goalkeeper.pickers import PickerField, PickerWidget, picker

# KPI pickers a group form offers (the API takes up to configs.MAX_GROUP).
GROUP_FIELDS = ("kpi", "kpi_2", "kpi_3", "kpi_4", "kpi_5", "kpi_6")


def _input(**attrs: Any) -> dict[str, Any]:
    return {"class": "field__input", **attrs}


def _empty_label(form: forms.Form, name: str, text: str) -> None:
    """What an optional picker shows when nothing is chosen, in the reader's language."""
    widget = picker(form, name).widget
    assert isinstance(widget, PickerWidget)
    widget.empty_label = text


def _day_count(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


# Read when the form is shown, so in the language of the person looking.
_days = lazy(_day_count, str)


class DashboardForm(forms.Form):
    """A dashboard's title, description and who it is shared with."""

    title = forms.CharField(
        label=_("Title"), max_length=MAX_TITLE, widget=forms.TextInput(attrs=_input())
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs=_input(rows=2)),
    )
    sharing = forms.ChoiceField(
        label=_("Who sees it"),
        choices=Sharing.choices,
        initial=Sharing.PRIVATE,
        widget=forms.RadioSelect,
    )
    team = PickerField(
        noun="team",
        label=_("Team"),
        required=False,
        help_text=_("Its members see the dashboard when it is shared with a team."),
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker(self, "team").use(teams_source(workspace))
        _empty_label(self, "team", gettext("Choose a team"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sharing") == Sharing.TEAM and data.get("team") is None:
            self.add_error("team", _("Choose the team to share the dashboard with."))
        return data


class TileForm(forms.Form):
    """A new tile: the fields its kind reads (the others are ignored)."""

    title = forms.CharField(
        required=False,
        max_length=MAX_TITLE,
        label=_("Title"),
        help_text=_("Leave empty to use the name of what it shows."),
        widget=forms.TextInput(attrs=_input()),
    )
    kpi = PickerField(noun="KPI", required=False, label="KPI")
    kpi_2 = PickerField(noun="KPI", required=False, label="KPI")
    kpi_3 = PickerField(noun="KPI", required=False, label="KPI")
    kpi_4 = PickerField(noun="KPI", required=False, label="KPI")
    kpi_5 = PickerField(noun="KPI", required=False, label="KPI")
    kpi_6 = PickerField(noun="KPI", required=False, label="KPI")
    objective = PickerField(noun="objective", required=False, label=_("Objective"))
    team = PickerField(noun="team", required=False, label=_("Team"))
    chart = forms.ChoiceField(required=False, label=_("Chart"), widget=forms.Select(_input()))
    text = forms.CharField(
        required=False,
        max_length=MAX_TEXT,
        label=_("Text"),
        help_text=_("Plain text; line breaks are kept."),
        widget=forms.Textarea(attrs=_input(rows=3)),
    )

    def __init__(self, data: Any = None, *, workspace: Workspace, kind: str) -> None:
        super().__init__(data, prefix=kind)
        self.kind = kind
        for name in GROUP_FIELDS:
            picker(self, name).use(kpis_source(workspace))
        picker(self, "objective").use(objectives_source(workspace))
        picker(self, "team").use(teams_source(workspace))
        chart = self.fields["chart"]
        assert isinstance(chart, forms.ChoiceField)
        chart.choices = [(key, title) for key, title in sorted(INSIGHT_CHARTS.items())]
        _empty_label(self, "kpi", gettext("Choose a KPI"))
        for name in GROUP_FIELDS[1:]:
            _empty_label(self, name, gettext("Another KPI"))
        _empty_label(self, "objective", gettext("Choose an objective"))
        _empty_label(
            self,
            "team",
            gettext("Choose a team")
            if kind == TileKind.TEAM_SUMMARY
            else gettext("The whole workspace"),
        )

    def shown_fields(self) -> list[forms.BoundField]:
        """The fields this kind of tile asks for, title last."""
        names = {
            TileKind.KPI_CHART: ["kpi"],
            TileKind.KPI_GROUP: list(GROUP_FIELDS),
            TileKind.OBJECTIVE: ["objective"],
            TileKind.TEAM_SUMMARY: ["team"],
            TileKind.HEALTH_COUNTS: ["team"],
            TileKind.INSIGHT_CHART: ["chart", "team"],
            TileKind.TEXT: ["text"],
        }[TileKind(self.kind)]
        return [self[name] for name in [*names, "title"]]

    def config(self) -> dict[str, Any]:
        """The tile's config from the cleaned fields (the service checks it)."""
        data = self.cleaned_data

        def pk(name: str) -> int | None:
            found = data.get(name)
            return int(found.pk) if found is not None else None

        if self.kind == TileKind.KPI_CHART:
            return {"kpi": pk("kpi")}
        if self.kind == TileKind.KPI_GROUP:
            return {"kpis": [i for i in (pk(n) for n in GROUP_FIELDS) if i is not None]}
        if self.kind == TileKind.OBJECTIVE:
            return {"objective": pk("objective")}
        if self.kind in (TileKind.TEAM_SUMMARY, TileKind.HEALTH_COUNTS):
            return {"team": pk("team")}
        if self.kind == TileKind.INSIGHT_CHART:
            return {"chart": data.get("chart", ""), "team": pk("team")}
        return {"text": data.get("text", "")}


class LinkForm(forms.Form):
    """A new share link: how long it works."""

    days = forms.TypedChoiceField(
        coerce=int,
        choices=[(d, _days(d)) for d in LINK_DAYS],
        initial=7,
        label=_("Works for"),
        widget=forms.Select(_input()),
    )
