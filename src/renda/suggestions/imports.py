"""Import a session's suggestions from .xlsx (or .csv): row-level Chinese errors, all-or-nothing, idempotent.

The file format, the header handling and the row helpers are those of the registry import
(``renda.registry.imports``); the work is small enough (a session has a few hundred suggestions)
to run synchronously in the request:

1. **Check** every row against the database (bulk look-ups, no writes) and collect *all* problems
   with their spreadsheet row numbers. Any problem: nothing is written.
2. **Write** every new row in one transaction through the suggestion services, so each imported
   suggestion has the same case, events, audit records and notifications as one entered online:
   ``suggestion_create`` (on the proposer's behalf) → co-signers → ``suggestion_submit`` →
   ``suggestion_register`` (立案, with the file's number) → ``suggestion_assign`` when a lead unit is
   given. Two documented shortcuts: co-signers listed in the file signed on paper, so their
   ``CoSigner`` rows are written as confirmed (``cosign_respond`` only accepts the deputy
   themselves); and the number comes from the file — the session's counter is set just below it
   before ``suggestion_register`` takes the next number, and left at the highest number used.

The key is congress + session + number: a row whose number already exists with the same title is
left as it is (so re-importing a file changes nothing); with a different title it is an error.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from renda.core.access import can_see, has_perm, is_admin
from renda.core.audit import audit_record
from renda.core.models import User
from renda.registry.imports.parsing import FileProblem, read_table
from renda.registry.imports.specs import Column, Row, cell_text, normalize_header
from renda.registry.models import Agency, Congress, Deputy, Mandate, MandateStatus
from renda.suggestions import services as ss
from renda.suggestions.models import (
    CoSigner,
    CoSignStatus,
    Suggestion,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSession,
)

MAX_ROWS = 5000
# Rows written in the request; a larger file is written by the worker (each row goes through the
# full registration and assignment services: about 0.15 s on SQLite, 0.25 s on PostgreSQL).
SYNC_ROWS = 30
KINDS = {"建议": SuggestionKind.SUGGESTION, "代表建议": SuggestionKind.SUGGESTION, "议案": SuggestionKind.MOTION}
SPLIT = re.compile(r"[、,，;；/\s]+")

COLUMNS: tuple[Column, ...] = (
    Column("编号", required=True, help="立案编号，同一会次内不能重复，如 1、0001 或 第0001号。", example="0001",
           as_text=True),
    Column("标题", required=True, help="不超过 200 字。", example="关于加快老旧小区改造的建议"),
    Column("领衔代表", required=True, help="代表编号或姓名（同名时请填代表编号）；须为本级人大在任代表。",
           example="张三"),
    Column("附议代表", help="多名用“、”分隔，代表编号或姓名。视为已书面确认附议。", example="李四、王五"),
    Column("类别", help="系统中已有的建议分类名称，如 城乡建设。", example="城乡建设"),
    Column("内容", required=True, help="建议正文。", example="建议将长安街道老旧小区列入年度改造计划。"),
    Column("会次", required=True, help="系统中已建立的会次名称，如 第十七届人民代表大会第五次会议。",
           example="第十七届人民代表大会第五次会议"),
    Column("类型", help="建议 或 议案，留空为建议。", example="建议", choices=("建议", "议案")),
    Column("主办单位", help="单位编号或名称；填写后即交办该单位主办。", example="东风区住房和城乡建设局"),
    Column("协办单位", help="多个用“、”分隔；须同时填写主办单位。", example="东风区城市管理局"),
)  # fmt: skip
HEADERS = [c.header for c in COLUMNS]
REQUIRED = [c.header for c in COLUMNS if c.required]
NOTES = [
    "每行一件建议；第 1 行为表头，请勿修改列名，示例行请删除或改为真实数据。",
    "导入的建议直接立案（使用表中编号），填写了主办单位的同时交办；代表会收到立案通知。",
    "以“人大 + 会次 + 编号”识别同一件建议：已导入的编号且标题相同的行会被跳过，同一文件重复导入不会改变任何数据。",
    "只要有一行有错误，整个文件都不会导入；系统会列出每个错误的行号和原因。",
    f"每个文件最多 {MAX_ROWS} 行；也可以另存为 CSV（UTF-8 或 GBK 编码）上传。",
]


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    assigned: int = 0
    pending: int = 0  # checked, new, not yet written (a check, or a background import under way)
    errors: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def messages(self) -> list[str]:
        return [format_error(e) for e in self.errors]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("created", "unchanged", "assigned", "pending", "errors", "notes")}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportResult":
        return cls(
            **{k: data[k] for k in ("created", "unchanged", "assigned", "pending", "errors", "notes") if k in data}
        )


def format_error(error: dict[str, Any]) -> str:
    where = f"第 {error['row']} 行" if error.get("row") else "文件"
    column = f"「{error['column']}」" if error.get("column") else ""
    return f"{where}{column}：{error['message']}"


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[{"row": None, "column": "", "message": message}])


# --- Look-ups --------------------------------------------------------------------------------------


class Lookups:
    """Everything the rows refer to, loaded once for the congress."""

    def __init__(self, congress: Congress):
        self.congress = congress
        self.sessions = {s.title: s for s in SuggestionSession.objects.filter(congress=congress)}
        self.categories = {c.name: c for c in SuggestionCategory.objects.filter(is_active=True)}
        serving = Mandate.objects.filter(congress=congress, status=MandateStatus.ACTIVE).values("deputy_id")
        deputies = list(Deputy.objects.filter(pk__in=serving))
        self.deputies_by_number = {d.number: d for d in deputies}
        self.deputies_by_name: dict[str, list[Deputy]] = defaultdict(list)
        for d in deputies:
            self.deputies_by_name[d.name].append(d)
        agencies = list(Agency.objects.filter(congress=congress, is_active=True))
        self.agencies_by_code = {a.code: a for a in agencies}
        self.agencies_by_name: dict[str, list[Agency]] = defaultdict(list)
        for a in agencies:
            self.agencies_by_name[a.name].append(a)
        self.existing = {
            (session_id, number): title
            for session_id, number, title in Suggestion.objects.filter(
                congress=congress, number__isnull=False
            ).values_list("session_id", "number", "title")
        }
        self.threshold = ss.motion_threshold(congress)

    def deputy(self, row: Row, header: str, value: str) -> Deputy | None:
        if value in self.deputies_by_number:
            return self.deputies_by_number[value]
        found = self.deputies_by_name.get(value, [])
        if len(found) == 1:
            return found[0]
        if found:
            row.error(header, f"有 {len(found)} 名代表叫“{value}”，请改填代表编号")
        else:
            row.error(header, f"“{value}”不是{self.congress.name}的在任代表（请核对姓名或代表编号）")
        return None

    def agency(self, row: Row, header: str, value: str) -> Agency | None:
        if value in self.agencies_by_code:
            return self.agencies_by_code[value]
        found = self.agencies_by_name.get(value, [])
        if len(found) == 1:
            return found[0]
        if found:
            row.error(header, f"有 {len(found)} 个单位叫“{value}”，请改填单位编号")
        else:
            row.error(header, f"“{value}”不是{self.congress.name}的承办单位（请核对名称或单位编号）")
        return None


# --- Checking one row ------------------------------------------------------------------------------


def _number(row: Row) -> int | None:
    value = row.text("编号", required=True)
    if not value:
        return None
    digits = value.removeprefix("第").removesuffix("号").strip()
    if not digits.isdigit() or not 1 <= int(digits) <= 99999:
        row.error("编号", "应为 1 到 99999 之间的整数，如 0012 或 第0012号")
        return None
    return int(digits)


def _names(row: Row, header: str) -> list[str]:
    return [v for v in dict.fromkeys(SPLIT.split(row.text(header))) if v]


def clean_row(look: Lookups, row: Row) -> dict[str, Any]:
    number = _number(row)
    title = row.text("标题", required=True, max_length=ss.MAX_TITLE)
    content = row.text("内容", required=True, max_length=ss.MAX_CONTENT)
    session = None
    if session_title := row.text("会次", required=True):
        session = look.sessions.get(session_title)
        if session is None:
            row.error("会次", f"{look.congress.name}没有名为“{session_title}”的会次，请先建立会次或核对名称")
    proposer = None
    if value := row.text("领衔代表", required=True):
        proposer = look.deputy(row, "领衔代表", value)
    cosigners = []
    for value in _names(row, "附议代表"):
        deputy = look.deputy(row, "附议代表", value)
        if deputy is not None and proposer is not None and deputy.pk == proposer.pk:
            row.error("附议代表", f"{deputy.name}是领衔代表，不能同时附议")
        elif deputy is not None and deputy not in cosigners:
            cosigners.append(deputy)
    category = None
    if value := row.text("类别"):
        category = look.categories.get(value)
        if category is None:
            row.error("类别", f"没有“{value}”这个建议分类；可选：" + "、".join(look.categories))
    kind = SuggestionKind.SUGGESTION
    if value := row.text("类型"):
        kind = KINDS.get(value, "")
        if not kind:
            row.error("类型", "应为“建议”或“议案”")
    lead = None
    if value := row.text("主办单位"):
        lead = look.agency(row, "主办单位", value)
    co = []
    for value in _names(row, "协办单位"):
        agency = look.agency(row, "协办单位", value)
        if agency is not None and lead is not None and agency.pk == lead.pk:
            row.error("协办单位", f"{agency.name}已是主办单位")
        elif agency is not None and agency not in co:
            co.append(agency)
    if co and not row.text("主办单位"):
        row.error("协办单位", "填写协办单位时须同时填写主办单位")
    if kind == SuggestionKind.MOTION:
        if row.text("主办单位"):
            row.error("主办单位", "议案须先由主席团作出处理决定，导入时不能直接交办")
        if 1 + len(cosigners) < look.threshold:
            row.error(
                "附议代表", f"议案须由 {look.threshold} 名以上代表联名（含领衔代表），本行只有 {1 + len(cosigners)} 名"
            )
    return {
        "number": number,
        "title": title,
        "content": content,
        "session": session,
        "proposer": proposer,
        "cosigners": cosigners,
        "category": category,
        "kind": kind,
        "lead": lead,
        "co": co,
    }


# --- The import -----------------------------------------------------------------------------------


def may_import(actor: User, congress: Congress) -> bool:
    return is_admin(actor) or (has_perm(actor, "suggestion.manage") and can_see(actor, congress))


def _rows(data: bytes) -> tuple[list[Row], ImportResult | None, list[str]]:
    try:
        table = read_table(data, max_rows=MAX_ROWS)
    except FileProblem as exc:
        return [], _file_error(exc.message), []
    if table.truncated:
        return [], _file_error(f"数据超过 {MAX_ROWS} 行的上限，请拆分为多个文件分批导入。"), []
    known = {normalize_header(h): h for h in HEADERS}
    positions: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    unknown: list[str] = []
    for index, cell in enumerate(table.headers):
        name = normalize_header(cell)
        if not name:
            continue
        header = known.get(name)
        if header is None:
            unknown.append(str(cell).strip())
        elif header in positions:
            errors.append({"row": 1, "column": header, "message": "表头中该列出现了两次"})
        else:
            positions[header] = index
    if missing := [h for h in REQUIRED if h not in positions]:
        errors.append(
            {"row": 1, "column": "", "message": "缺少必需的列：" + "、".join(missing) + "。请使用下载的模板。"}
        )
    notes = ["以下列无法识别，已忽略：" + "、".join(unknown)] if unknown else []
    if errors:
        return [], ImportResult(errors=errors, notes=notes), notes
    rows = [
        Row(number, {h: (values[i] if i < len(values) else None) for h, i in positions.items()})
        for number, values in table.rows
    ]
    example = {c.header: cell_text(c.example) for c in COLUMNS}
    if skipped := [r.number for r in rows if all(cell_text(v) == example[h] for h, v in r.values.items())]:
        notes.append("已跳过与模板示例完全相同的行（第 " + "、".join(map(str, skipped)) + " 行）。")
        rows = [r for r in rows if r.number not in set(skipped)]
    if not rows:
        return (
            [],
            ImportResult(errors=[{"row": None, "column": "", "message": "文件中没有数据行。"}], notes=notes),
            notes,
        )
    return rows, None, notes


def _check(actor: User, congress: Congress, data: bytes) -> tuple[ImportResult, list[tuple[Row, dict[str, Any]]]]:
    """Phase 1: every row checked (no writes). The result carries the errors, or how many rows are new."""
    if not may_import(actor, congress):
        raise PermissionDenied("您没有导入该人大代表建议的权限。")
    rows, failed, notes = _rows(data)
    if failed is not None:
        return failed, []
    look = Lookups(congress)
    items: list[tuple[Row, dict[str, Any]]] = []
    seen: dict[tuple[int, int], int] = {}
    unchanged = 0
    for row in rows:
        item = clean_row(look, row)
        if item["session"] is not None and item["number"] is not None:
            key = (item["session"].pk, item["number"])
            if key in seen:
                row.error("编号", f"与第 {seen[key]} 行重复：同一会次的编号只能出现一次")
            seen.setdefault(key, row.number)
            existing = look.existing.get(key)
            if existing is not None and not row.errors:
                if existing == item["title"]:
                    unchanged += 1
                    continue
                row.error("编号", f"该会次第{item['number']:04d}号已是另一件建议（“{existing}”），标题不同")
        items.append((row, item))
    order = {h: i for i, h in enumerate(HEADERS)}
    errors = sorted((e for r in rows for e in r.errors), key=lambda e: (e["row"], order.get(e["column"], -1)))
    if errors:
        return ImportResult(errors=errors, notes=notes), []
    return ImportResult(unchanged=unchanged, pending=len(items), notes=notes), items


def suggestions_check(*, actor: User, congress: Congress, data: bytes) -> ImportResult:
    """Check the file without writing: the errors, or ``pending`` new rows and ``unchanged`` known ones."""
    return _check(actor, congress, data)[0]


def suggestions_import(*, actor: User, congress: Congress, data: bytes) -> ImportResult:
    """Check every row, then (only if all are good) register every new suggestion in one transaction."""
    result, items = _check(actor, congress, data)
    if not result.ok or not items:
        return result
    try:
        with transaction.atomic():
            _write(actor, congress, items, result)
    except _Failed as failed_row:
        return ImportResult(errors=failed_row.errors, notes=result.notes)
    result.pending = 0
    return result


class _Failed(Exception):
    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__("import failed")
        self.errors = errors


def _write(actor: User, congress: Congress, items: list[tuple[Row, dict[str, Any]]], result: ImportResult) -> None:
    sessions = {item["session"].pk: item["session"] for _, item in items}
    counters = dict(
        SuggestionSession.objects.select_for_update().filter(pk__in=sessions).values_list("pk", "last_number")
    )
    top = dict(counters)
    for row, item in sorted(items, key=lambda ri: (ri[1]["session"].pk, ri[1]["number"])):
        try:
            with transaction.atomic():
                _write_row(actor, congress, item)
        except ValidationError as exc:
            raise _Failed([{"row": row.number, "column": "", "message": m} for m in exc.messages]) from exc
        result.created += 1
        result.assigned += item["lead"] is not None
        top[item["session"].pk] = max(top[item["session"].pk], item["number"])
    for pk, number in top.items():
        highest = Suggestion.objects.filter(session_id=pk).aggregate(n=Max("number"))["n"] or 0
        SuggestionSession.objects.filter(pk=pk).update(last_number=max(number, highest))
    if result.created:
        audit_record(
            actor=actor,
            action="suggestions.suggestion.import",
            target=congress,
            note=f"导入代表建议：新增 {result.created} 件，跳过 {result.unchanged} 件。",
        )


def _write_row(actor: User, congress: Congress, item: dict[str, Any]) -> Suggestion:
    session = item["session"]
    suggestion = ss.suggestion_create(
        actor=actor,
        congress=congress,
        session=session,
        title=item["title"],
        content=item["content"],
        kind=item["kind"],
        category=item["category"],
        proposer=item["proposer"],
    )
    if item["cosigners"]:
        now = timezone.now()
        CoSigner.objects.bulk_create(
            CoSigner(suggestion=suggestion, deputy=d, status=CoSignStatus.CONFIRMED, invited_at=now, responded_at=now)
            for d in item["cosigners"]
        )
    suggestion = ss.suggestion_submit(actor=actor, suggestion=suggestion)
    # The number comes from the file: suggestion_register takes the session's next number.
    SuggestionSession.objects.filter(pk=session.pk).update(last_number=item["number"] - 1)
    suggestion = ss.suggestion_register(actor=actor, suggestion=suggestion, note="批量导入")
    if suggestion.number != item["number"]:  # pragma: no cover - the counter was just set
        raise ValidationError("编号分配异常，请重试。")
    if item["lead"] is not None:
        ss.suggestion_assign(actor=actor, suggestion=suggestion, lead=item["lead"], co=item["co"])
    return suggestion


# --- The template ----------------------------------------------------------------------------------


def template_xlsx() -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "代表建议"
    ws.append(HEADERS)
    ws.append([c.example for c in COLUMNS])
    ws.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True)
        if column.required:
            head.fill = PatternFill("solid", fgColor="FDECEA")
        ws.column_dimensions[letter].width = 40 if column.header in ("标题", "内容", "会次") else 16
        if column.as_text:
            for r in range(2, 1002):
                ws.cell(row=r, column=index).number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True, showErrorMessage=True,
                errorTitle="输入有误", error="请从下拉列表中选择：" + "、".join(column.choices),
            )  # fmt: skip
            validation.add(f"{letter}2:{letter}1001")
            ws.add_data_validation(validation)
    notes = wb.create_sheet("说明")
    notes.append(["代表建议导入说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for note in NOTES:
        notes.append([note])
    notes.append([])
    notes.append(["列名", "是否必填", "说明", "示例"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.help, str(column.example)])
    for letter, width in (("A", 14), ("B", 10), ("C", 70), ("D", 30)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
