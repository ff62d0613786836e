"""The ledger registry: each ledger is a function ``rows(station, year) -> (headers, rows)``.

Apps add their ledgers with ``register(key, title, rows_func, order=...)`` (in ``AppConfig.ready()``);
a congress chooses which of them its stations keep (``LedgerSet``), default: all, in ``order``.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from renda.registry.models import Congress, Station

log = logging.getLogger(__name__)

Rows = tuple[Sequence[str], list[Sequence[Any]]]
RowsFunc = Callable[[Station, int], Rows]


@dataclass(frozen=True)
class Ledger:
    key: str
    title: str
    rows: RowsFunc
    order: int = 100
    group: str = ""  # 一册 / 两本 / 三簿 / 其他
    description: str = ""


LEDGERS: dict[str, Ledger] = {}


def register(
    key: str, title: str, rows_func: RowsFunc, *, order: int = 100, group: str = "", description: str = ""
) -> None:
    LEDGERS[key] = Ledger(key, title, rows_func, order, group, description)


def register_optional(
    key: str, title: str, dotted: str, *, order: int = 100, group: str = "", description: str = ""
) -> bool:
    """Register ``module.function`` if it can be imported (ledgers of apps that may not be installed yet)."""
    module_name, _, func_name = dotted.rpartition(".")
    try:
        module = __import__(module_name, fromlist=[func_name])
        func = getattr(module, func_name)
    except (ImportError, AttributeError):
        log.info("ledger %s not registered: %s is not available", key, dotted)
        return False
    register(key, title, func, order=order, group=group, description=description)
    return True


def all_ledgers() -> list[Ledger]:
    return sorted(LEDGERS.values(), key=lambda ledger: (ledger.order, ledger.key))


def congress_for(station: Station) -> Congress | None:
    """The congress whose territory most closely contains the station (its county's, usually)."""
    codes = [c for c in station.division.path.strip("/").split("/") if c]
    return (
        Congress.objects.filter(division__code__in=codes)
        .select_related("division")
        .order_by("-division__depth")
        .first()
    )


def ledger_set_for(station: Station):
    """The LedgerSet that applies to ``station``: its own, else the nearest congress's above it (or None)."""
    from renda.ledgers.models import LedgerSet

    own = LedgerSet.objects.filter(station=station).first()
    if own:
        return own
    codes = [c for c in station.division.path.strip("/").split("/") if c]
    return LedgerSet.objects.filter(congress__division__code__in=codes).order_by("-congress__division__depth").first()


def enabled_ledgers(station: Station) -> list[Ledger]:
    chosen = ledger_set_for(station)
    if chosen is None:
        return all_ledgers()
    return [LEDGERS[k] for k in chosen.keys if k in LEDGERS]


def safe_rows(ledger: Ledger, station: Station, year: int) -> Rows | None:
    """A ledger's rows, or None when its app failed (logged; one broken ledger never hides the others)."""
    try:
        headers, rows = ledger.rows(station, year)
        return list(headers), [list(r) for r in rows]
    except Exception:
        log.exception("ledger %s failed for station %s, year %s", ledger.key, station.pk, year)
        return None
