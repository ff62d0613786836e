"""Place names in a message: which township or village of the registry the text names.

Citizens often leave the place picker empty and write the place in the text instead ("幸福社区
3号楼门口", "东风街道菜市场"). Hotspots need "the same place", so each opinion's effective place
is the deepest of its own division and a registry township/village named in its text, as long as
the text only narrows the place the opinion already has (a picked village is never overruled).

The gazetteer of a county (townships and villages under it, full names and short forms of three
characters or more) is loaded once per process and reloaded after ``RELOAD_SECONDS``; matching is
a scan keyed on each name's first two characters, a few microseconds per message.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

from renda.analysis.text import short_place
from renda.registry.models import DIVISION_DEPTH, Division, DivisionLevel

RELOAD_SECONDS = 600
TOWNSHIP_DEPTH = DIVISION_DEPTH[DivisionLevel.TOWNSHIP]
COUNTY_DEPTH = DIVISION_DEPTH[DivisionLevel.COUNTY]


@dataclass
class Gazetteer:
    """Names → division paths under one root, indexed by each name's first two characters."""

    by_head: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    paths: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    loaded_at: float = 0.0

    def add(self, name: str, path: str) -> None:
        if len(name) < 2:
            return
        if name not in self.paths:
            heads = self.by_head[name[:2]]
            heads.append(name)
            heads.sort(key=len, reverse=True)  # longest match first
        self.paths[name].add(path)

    def names_in(self, text: str) -> list[str]:
        """The names found in ``text``, in order, longest match at each position, no overlaps."""
        found, i, n = [], 0, len(text)
        while i < n - 1:
            for name in self.by_head.get(text[i : i + 2], ()):
                if text.startswith(name, i):
                    found.append(name)
                    i += len(name)
                    break
            else:
                i += 1
        return found


def short_form(name: str) -> str:
    """幸福里社区 → 幸福里 (``analysis.text.short_place``), kept only when three characters or more remain:
    二字 short forms such as 幸福 or 东风 are ordinary words too often."""
    short = short_place(name)
    return short if len(short) >= 3 else name


_cache: dict[str, Gazetteer] = {}


def gazetteer(root_path: str) -> Gazetteer:
    cached = _cache.get(root_path)
    if cached is not None and time.monotonic() - cached.loaded_at < RELOAD_SECONDS:
        return cached
    gaz = Gazetteer(loaded_at=time.monotonic())
    rows = Division.objects.filter(path__startswith=root_path, depth__gte=TOWNSHIP_DEPTH, is_active=True)
    for name, path in rows.values_list("name", "path"):
        gaz.add(name, path)
        gaz.add(short_form(name), path)
    _cache[root_path] = gaz
    return gaz


def clear_cache() -> None:
    _cache.clear()


def _depth(path: str) -> int:
    return path.strip("/").count("/") if path.strip("/") else -1


def _common(paths: list[str]) -> str:
    parts = [p.strip("/").split("/") for p in paths]
    common = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/" + "/".join(common) + "/" if common else ""


def county_root(path: str) -> str:
    """The county-level ancestor of ``path`` (itself if shallower): the gazetteer's root."""
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[: COUNTY_DEPTH + 1]) + "/" if parts else ""


def effective_place(text: str, own_path: str, root_path: str) -> str:
    """The deepest of ``own_path`` and the registry place ``text`` names under it (within ``root_path``).

    Names matching several places are narrowed to those under ``own_path``; several different places
    named give their common ancestor if it is a township or deeper, else ``own_path`` stays."""
    if not root_path or _depth(own_path) >= DIVISION_DEPTH[DivisionLevel.VILLAGE]:
        return own_path
    gaz = gazetteer(root_path)
    resolved: list[str] = []
    for name in gaz.names_in(text):
        candidates = [p for p in gaz.paths[name] if p.startswith(own_path)] if own_path else list(gaz.paths[name])
        if len(candidates) > 1:
            common = _common(candidates)
            candidates = [common] if _depth(common) >= TOWNSHIP_DEPTH else []
        resolved.extend(candidates)
    if not resolved:
        return own_path
    leaves = [p for p in set(resolved) if not any(q != p and q.startswith(p) for q in resolved)]
    place = leaves[0] if len(leaves) == 1 else _common(leaves)
    return place if _depth(place) >= TOWNSHIP_DEPTH and _depth(place) > _depth(own_path) else own_path


def place_of(text: str, own_path: str, congress_root: str) -> str:
    """``effective_place`` with the gazetteer of the opinion's county (else of its congress's territory)."""
    own_path = own_path or ""
    root = county_root(own_path) if _depth(own_path) >= COUNTY_DEPTH else congress_root
    return effective_place(text, own_path, root or "")


def congress_roots(congress_ids) -> dict[int, str]:
    from renda.registry.models import Congress

    return dict(Congress.objects.filter(pk__in=set(congress_ids)).values_list("pk", "division__path"))


def places_for(opinions: list, texts: list[str]) -> list[str]:
    """Effective places of registered ``opinions`` (their cases set), one query for the congresses."""
    cases = [getattr(o, "case", None) for o in opinions]
    roots = congress_roots(c.congress_id for c in cases if c is not None)
    return [
        place_of(text, c.division_path if c is not None else "", roots.get(getattr(c, "congress_id", None), ""))
        for c, text in zip(cases, texts, strict=True)
    ]
