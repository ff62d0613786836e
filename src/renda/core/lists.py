"""One generic console list: search, filters, pagination and .xlsx export.

A view builds a :class:`ListSpec` (columns, filters, searched fields) and
passes an already *scoped* queryset (``restrict(qs, user)``) to
:func:`run_list`. It returns either the template context of the page or, for
``?format=xlsx``, the export of the whole filtered list.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from renda.core.xlsx import xlsx_response

Choices = Sequence[tuple[str, str]]

ACTIVE_CHOICES: Choices = (("1", "启用"), ("0", "停用"))


@dataclass
class Column:
    label: str
    value: Callable[[Any], Any]
    link: bool = False  # render as a link to the row's detail page
    badge: bool = False  # render a boolean as 启用/停用 badge


@dataclass
class Filter:
    name: str
    label: str
    choices: Choices | Callable[[], Choices]
    apply: Callable[[QuerySet, str], QuerySet]

    def options(self) -> list[tuple[str, str]]:
        return [(str(v), str(label)) for v, label in (self.choices() if callable(self.choices) else self.choices)]


def field_filter(name: str, label: str, choices, lookup: str | None = None) -> Filter:
    """A filter that compares one field (``lookup``, default ``name``) with the chosen value."""
    return Filter(name, label, choices, lambda qs, v: qs.filter(**{lookup or name: v}))


def active_filter() -> Filter:
    return Filter("active", "状态", ACTIVE_CHOICES, lambda qs, v: qs.filter(is_active=(v == "1")))


@dataclass
class ListSpec:
    title: str
    columns: list[Column]
    search_fields: list[str] = field(default_factory=list)
    search_hint: str = "搜索"
    filters: list[Filter] = field(default_factory=list)
    export_name: str = "导出"
    detail_url: str = ""  # URL name taking the row's pk
    empty_text: str = "没有符合条件的记录。"


@dataclass
class FilterState:
    name: str
    label: str
    options: list[tuple[str, str]]
    value: str


def _search(qs: QuerySet, fields: Iterable[str], q: str) -> QuerySet:
    fields = list(fields)
    if not q or not fields:
        return qs
    return qs.filter(reduce(or_, (Q(**{f"{f}__icontains": q}) for f in fields)))


def apply_spec(request: HttpRequest, qs: QuerySet, spec: ListSpec) -> tuple[QuerySet, str, list[FilterState]]:
    """Apply the search box and the filters; unknown filter values are ignored (never a 500)."""
    q = request.GET.get("q", "").strip()[:100]
    qs = _search(qs, spec.search_fields, q)
    states = []
    for flt in spec.filters:
        options = flt.options()
        value = request.GET.get(flt.name, "")
        if value and value in {v for v, _ in options}:
            qs = flt.apply(qs, value)
        else:
            value = ""
        states.append(FilterState(flt.name, flt.label, options, value))
    return qs, q, states


def export_rows(qs: QuerySet, columns: list[Column]) -> Iterable[list[Any]]:
    # iterator(chunk_size) keeps memory flat and still honours prefetch_related.
    for obj in qs.iterator(chunk_size=500):
        yield [col.value(obj) for col in columns]


def run_list(request: HttpRequest, qs: QuerySet, spec: ListSpec) -> dict[str, Any] | HttpResponse:
    qs, q, states = apply_spec(request, qs, spec)
    if not qs.ordered:  # e.g. aggregate annotations drop Meta.ordering
        qs = qs.order_by("pk")
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"{spec.export_name}.xlsx", [c.label for c in spec.columns], export_rows(qs, spec.columns))
    page = Paginator(qs, settings.RENDA_PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    keep = params.urlencode()
    rows = [(obj, [(col, col.value(obj)) for col in spec.columns]) for obj in page.object_list]
    export = params.copy()
    export["format"] = "xlsx"
    return {
        "spec": spec,
        "page": page,
        "rows": rows,
        "q": q,
        "filters": states,
        "filtered": bool(q or any(s.value for s in states)),
        "keep_query": keep,
        "export_query": export.urlencode(),
    }
