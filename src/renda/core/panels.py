"""Extension slots in shared pages: a domain app adds its own panel without editing the page.

A page names a slot (``{% panels "opinion_detail" opinion %}`` for one object, or
``{% row_panels "triage_row" rows_objects as extra %}`` then ``{{ extra|panel_for:o.pk }}`` for
list rows). An app registers renderers for a slot in ``AppConfig.ready()``::

    @panels.panel("opinion_detail")
    def hints(request, opinion) -> str: ...           # HTML (use render_to_string)

    @panels.row_panel("triage_row")
    def row_hints(request, objects) -> dict[int, str]: ...   # one query for the page, HTML per pk

A failing renderer is logged and left out: an analysis panel never breaks a handling page.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger("renda.panels")

ObjectPanel = Callable[[HttpRequest, Any], str]
RowPanel = Callable[[HttpRequest, list[Any]], dict[Any, str]]

_OBJECT: dict[str, list[ObjectPanel]] = defaultdict(list)
_ROWS: dict[str, list[RowPanel]] = defaultdict(list)

# The slots the shared pages offer (documentation; registering another name is harmless but unused).
SLOTS = {
    "opinion_detail": "console opinion page, side column (object: Opinion)",
    "triage_row": "待交办 list, under each row's title (objects: Opinion)",
    "opinion_row": "群众意见 list / deputy inbox, under each row's title (objects: Opinion)",
    "supervision_row": "督办 list, under each row's title (objects: Case; key the result by case pk)",
    "console_home": "console home page, after the to-do cards (object: the user)",
    "public_form": "citizen form, after the content field (object: None)",
}


def panel(slot: str) -> Callable[[ObjectPanel], ObjectPanel]:
    def register(func: ObjectPanel) -> ObjectPanel:
        if func not in _OBJECT[slot]:
            _OBJECT[slot].append(func)
        return func

    return register


def row_panel(slot: str) -> Callable[[RowPanel], RowPanel]:
    def register(func: RowPanel) -> RowPanel:
        if func not in _ROWS[slot]:
            _ROWS[slot].append(func)
        return func

    return register


def render_panels(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    parts = []
    for func in _OBJECT.get(slot, ()):
        try:
            parts.append(func(request, obj) or "")
        except Exception:
            logger.exception("panel %s.%s failed", slot, getattr(func, "__name__", func))
    return mark_safe("".join(parts))  # noqa: S308 — each renderer returns rendered, escaped templates


def render_row_panels(slot: str, request: HttpRequest, objects: Iterable[Any]) -> dict[Any, SafeString]:
    objects = list(objects)
    merged: dict[Any, list[str]] = defaultdict(list)
    for func in _ROWS.get(slot, ()):
        try:
            for key, html in (func(request, objects) or {}).items():
                merged[key].append(html or "")
        except Exception:
            logger.exception("row panel %s.%s failed", slot, getattr(func, "__name__", func))
    return {key: mark_safe("".join(parts)) for key, parts in merged.items()}  # noqa: S308
