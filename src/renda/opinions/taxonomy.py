"""Category trees: the platform's own default, and a locality's tree imported from .xlsx / .csv.

A table has columns level1, level2, level3 (or 一级分类, 二级分类, 三级分类); each
row is one path, e.g. 城乡建设 / 市政设施 / 路灯照明, and may stop early
(empty cells only at the end). Every row is checked before anything is
written; the import is all-or-nothing. Importing a tree again under the same
name (and division) updates it: categories that disappeared are switched
off, never deleted, so opinions filed under them keep their category.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from renda.core.access import can_see, has_perm, is_admin, scope_rule
from renda.core.audit import audit_record
from renda.core.models import User
from renda.core.xlsx import xlsx_bytes
from renda.opinions.models import Category, Taxonomy
from renda.registry.imports.parsing import FileProblem, read_table
from renda.registry.models import Division
from renda.registry.scoping import NOTHING, territory_path
from renda.registry.selectors import subtree_q

DEFAULT_FILE = Path(__file__).with_name("default_taxonomy.csv")
DEFAULT_NAME = "通用分类（平台默认）"
LEVELS = 3
LEVEL_LABELS = ("一级分类", "二级分类", "三级分类")
HEADER_ALIASES = {
    "level1": 0, "一级分类": 0, "一级": 0, "一级类别": 0,
    "level2": 1, "二级分类": 1, "二级": 1, "二级类别": 1,
    "level3": 2, "三级分类": 2, "三级": 2, "三级类别": 2,
}  # fmt: skip
MAX_NAME = 50
MAX_PATH = 200  # a case keeps the path in Case.category_key (200)
MAX_ROWS = 20000
MAX_ERRORS = 30
SEP = "/"


@scope_rule(Taxonomy)
def _taxonomies(user: User) -> Q:
    """Congress staff see the platform-wide trees and those of divisions in their territory."""
    if path := territory_path(user):
        return Q(division__isnull=True) | subtree_q(path, prefix="division__")
    return NOTHING


# --- Reading and checking a table --------------------------------------------------------------


def _columns(headers: list[str]) -> list[int]:
    """Index in the row of each level's column."""
    found: dict[int, int] = {}
    for i, header in enumerate(headers):
        level = HEADER_ALIASES.get(str(header).strip().lower().lstrip("\ufeff"))
        if level is not None and level not in found:
            found[level] = i
    if 0 not in found:
        raise ValidationError("表头中没有“一级分类”（或 level1）列；请使用下载的模板填写。")
    missing = [LEVEL_LABELS[lv] for lv in range(1, LEVELS) if lv not in found and any(k > lv for k in found)]
    if missing:
        raise ValidationError(f"表头缺少“{'、'.join(missing)}”列。")
    return [found[lv] for lv in range(LEVELS) if lv in found]


def _cell(values: list[object], i: int) -> str:
    value = values[i] if i < len(values) else None
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_paths(data: bytes) -> list[tuple[str, ...]]:
    """The rows of an uploaded table as paths (tuples of 1–3 names); ValidationError lists every problem."""
    if len(data) > settings.RENDA_MAX_IMPORT_BYTES:
        raise ValidationError("文件过大，请拆分后再导入。")
    try:
        table = read_table(data, max_rows=MAX_ROWS)
    except FileProblem as exc:
        raise ValidationError(exc.message) from exc
    if table.truncated:
        raise ValidationError(f"分类表最多 {MAX_ROWS} 行。")
    columns = _columns(table.headers)
    errors: list[str] = []
    seen: dict[tuple[str, ...], int] = {}
    paths: list[tuple[str, ...]] = []
    for number, values in table.rows:
        cells = [_cell(values, i) for i in columns]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        problems = []
        for level, name in enumerate(cells):
            label = LEVEL_LABELS[level]
            if not name:
                problems.append(f"{label}为空，但后面的分类已填写（空格只能留在末尾）")
            elif len(name) > MAX_NAME:
                problems.append(f"{label}“{name[:20]}…”超过 {MAX_NAME} 个字")
            elif SEP in name:
                problems.append(f"{label}“{name}”中不能含有“{SEP}”")
        path = tuple(cells)
        if not problems and len(SEP.join(path)) > MAX_PATH:
            problems.append(f"分类路径超过 {MAX_PATH} 个字")
        if not problems and path in seen:
            problems.append(f"与第 {seen[path]} 行重复（{SEP.join(path)}）")
        if problems:
            errors.append(f"第 {number} 行：" + "；".join(problems) + "。")
        else:
            seen[path] = number
            paths.append(path)
    if errors:
        more = f"（另有 {len(errors) - MAX_ERRORS} 处问题未列出）" if len(errors) > MAX_ERRORS else ""
        raise ValidationError([*errors[:MAX_ERRORS], *([more] if more else [])])
    if not paths:
        raise ValidationError("文件中没有分类数据。")
    return paths


# --- Writing a tree ---------------------------------------------------------------------------


def _apply(taxonomy: Taxonomy, paths: Iterable[tuple[str, ...]]) -> dict[str, int]:
    """Make the taxonomy's active categories exactly ``paths`` and their ancestors; returns counts."""
    wanted: dict[str, tuple[str, ...]] = {}
    for path in paths:
        for depth in range(1, len(path) + 1):
            wanted.setdefault(SEP.join(path[:depth]), path[:depth])
    existing = {c.path: c for c in taxonomy.categories.all()}
    position: dict[str, int] = {}
    created = updated = 0
    for level in range(1, LEVELS + 1):
        ids = {p: c.pk for p, c in existing.items()}
        new, changed = [], []
        for key, parts in wanted.items():
            if len(parts) != level:
                continue
            parent_key = SEP.join(parts[:-1])
            position[parent_key] = position.get(parent_key, 0) + 1
            values = {
                "name": parts[-1],
                "level": level,
                "parent_id": ids.get(parent_key) if level > 1 else None,
                "position": position[parent_key],
                "is_active": True,
            }
            row = existing.get(key)
            if row is None:
                new.append(Category(taxonomy=taxonomy, path=key, **values))
            elif any(getattr(row, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(row, k, v)
                changed.append(row)
        Category.objects.bulk_create(new, batch_size=500)
        Category.objects.bulk_update(changed, ["name", "level", "parent_id", "position", "is_active"], batch_size=500)
        created += len(new)
        updated += len(changed)
        if new:
            existing.update(
                {c.path: c for c in taxonomy.categories.filter(level=level, path__in=[n.path for n in new])}
            )
    gone = [p for p, c in existing.items() if p not in wanted and c.is_active]
    Category.objects.filter(taxonomy=taxonomy, path__in=gone).update(is_active=False)
    return {"created": created, "updated": updated, "deactivated": len(gone), "active": len(wanted)}


def _check_actor(actor: User | None, division: Division | None) -> None:
    if actor is None:
        return
    if not has_perm(actor, "case.configure"):
        raise ValidationError("您没有配置意见分类的权限。")
    if is_admin(actor):
        return
    if division is None:
        raise ValidationError("请选择适用区划。")
    if not can_see(actor, division):
        raise ValidationError("所选区划不在您的管辖范围内。")


@transaction.atomic
def _save_tree(*, actor: User | None, name: str, division: Division | None, paths, action: str, is_default=None):
    taxonomy = Taxonomy.objects.select_for_update().filter(name=name, division=division).first()
    created = taxonomy is None
    if created:
        taxonomy = Taxonomy.objects.create(name=name, division=division, is_default=bool(is_default))
    counts = _apply(taxonomy, paths)
    note = "新建" if created else "更新"
    note += f"：启用分类 {counts['active']} 个，新增 {counts['created']} 个，修改 {counts['updated']} 个"
    note += f"，停用 {counts['deactivated']} 个。"
    audit_record(actor=actor, action=action, target=taxonomy, after={"名称": name, **counts}, note=note)
    taxonomy.import_counts = counts  # type: ignore[attr-defined]
    return taxonomy


def taxonomy_import(*, actor: User | None, name: str, division: Division | None, file: Any) -> Taxonomy:
    """Import (or re-import) a locality's category tree from an uploaded .xlsx / .csv."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("请填写分类体系名称。")
    if len(name) > 100:
        raise ValidationError("分类体系名称不能超过 100 个字。")
    _check_actor(actor, division)
    data = file if isinstance(file, bytes) else file.read()
    paths = parse_paths(data)
    return _save_tree(actor=actor, name=name, division=division, paths=paths, action="opinions.taxonomy.import")


def taxonomy_install_default(*, actor: User | None = None) -> Taxonomy:
    """Install (or bring up to date) the platform's own tree; idempotent.

    It becomes the default when first installed, unless another platform-wide default exists.
    """
    paths = parse_paths(DEFAULT_FILE.read_bytes())
    first = not Taxonomy.objects.filter(name=DEFAULT_NAME, division=None).exists()
    is_default = first and not Taxonomy.objects.filter(division=None, is_default=True).exists()
    return _save_tree(
        actor=actor, name=DEFAULT_NAME, division=None, paths=paths, action="opinions.taxonomy.install",
        is_default=is_default,
    )  # fmt: skip


@transaction.atomic
def taxonomy_set_default(*, actor: User | None, taxonomy: Taxonomy) -> Taxonomy:
    """Make ``taxonomy`` the default for its division (or platform-wide when it has none)."""
    _check_actor(actor, taxonomy.division)
    Taxonomy.objects.filter(division=taxonomy.division, is_default=True).exclude(pk=taxonomy.pk).update(
        is_default=False
    )
    Taxonomy.objects.filter(pk=taxonomy.pk).update(is_default=True)
    taxonomy.is_default = True
    audit_record(actor=actor, action="opinions.taxonomy.set_default", target=taxonomy, note="设为默认分类")
    return taxonomy


# --- Reading ------------------------------------------------------------------------------------


def default_taxonomy(division: Division | None = None) -> Taxonomy:
    """The default tree for ``division``: its nearest ancestor's default, else the platform's (installed if missing)."""
    if division is not None:
        codes = [c for c in division.path.strip("/").split("/") if c]
        local = Taxonomy.objects.filter(is_default=True, division__code__in=codes).order_by("-division__depth").first()
        if local is not None:
            return local
    found = Taxonomy.objects.filter(is_default=True, division=None).first()
    return found or taxonomy_install_default(actor=None)


def taxonomies_with_counts(qs):
    return qs.select_related("division").annotate(
        n_active=Count("categories", filter=Q(categories__is_active=True)),
        n_top=Count("categories", filter=Q(categories__is_active=True, categories__level=1)),
        n_inactive=Count("categories", filter=Q(categories__is_active=False)),
    )


@dataclass
class Node:
    category: Category
    children: list["Node"] = field(default_factory=list)


def taxonomy_tree(taxonomy: Taxonomy, *, active_only: bool = False) -> list[Node]:
    """The categories as nested nodes, in their imported order (one query)."""
    qs = taxonomy.categories.order_by("level", "position", "pk")
    if active_only:
        qs = qs.filter(is_active=True)
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    for c in qs:
        node = nodes[c.pk] = Node(c)
        if c.parent_id is None:
            roots.append(node)
        elif c.parent_id in nodes:  # parents come first (ordered by level)
            nodes[c.parent_id].children.append(node)
    return roots


def template_xlsx() -> bytes:
    rows = [("城乡建设", "市政设施", "路灯照明"), ("城乡建设", "市政设施", "道路桥梁"), ("教育", "学前教育", "")]
    return xlsx_bytes(list(LEVEL_LABELS), rows, sheet="分类")
