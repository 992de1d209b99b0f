"""REST endpoints of the template library (docs/templates.md): the templates, built-in and
the company's, and one template's document. Any member reads them."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from goalkeeper.api.auth import caller
from goalkeeper.api.errors import READ_MANY, READ_ONE, responses
from goalkeeper.library.catalog import library, summaries

router = Router(tags=["templates"])

TemplateSourceName = Literal["builtin", "company"]


class TemplateFilters(Schema):
    department: str | None = Field(
        None, max_length=60, description="keep one department (its name, any case)"
    )
    source: TemplateSourceName | None = Field(
        None, description="keep built-in or company templates"
    )
    q: str | None = Field(
        None, max_length=100, description="words in the name, department or titles"
    )


class TemplateOut(Schema):
    key: str = Field(description="names the template in /templates/{key}")
    name: str
    department: str
    description: str
    language: str = Field(description="the language of its words, e.g. en")
    source: TemplateSourceName = Field(description="shipped with Goalkeeper, or the company's")
    objectives: int = Field(description="how many objectives it has")
    key_results: int = Field(description="how many key results its objectives have in all")
    kpis: int = Field(description="how many KPIs it suggests")


class TemplateList(Schema):
    count: int = Field(description="the templates matching the filters")
    items: list[TemplateOut]


class TemplateDocument(TemplateOut):
    document: dict[str, Any] = Field(
        description="the template in the open format (docs/format.md, docs/templates.md)"
    )


@router.get("/templates", response=responses({200: TemplateList}, READ_MANY))
def list_templates(request: HttpRequest, filters: Query[TemplateFilters]) -> TemplateList:
    """The template library: built-in templates first, then the company's (a company file
    that cannot be used is left out; admins see why on the templates page)."""
    caller(request)
    found = library().search(filters.q or "", filters.department or "", filters.source or "")
    items = [TemplateOut(**summary) for summary in summaries(found)]
    return TemplateList(count=len(items), items=items)


@router.get("/templates/{key}", response=responses({200: TemplateDocument}, READ_ONE))
def get_template(request: HttpRequest, key: str) -> TemplateDocument:
    """One template with its document: objectives with their key results, and KPIs."""
    caller(request)
    template = library().get(key)
    if template is None:
        raise Http404("no such template")
    (summary,) = summaries([template])
    return TemplateDocument(**summary, document=template.data)
