"""年度代表建议办理情况报告: one congress, one year (the sessions of that year), as .xlsx and PDF.

Everything comes from ``renda.suggestions.figures`` (the same numbers as the console page) plus
one query for the suggestions and one for their units. The PDF uses reportlab's built-in CJK font
STSong-Light (as the printed QR cards do), so it is generated offline with no font files.
Generating the report for a year of ~300 suggestions takes well under a second, so it is done
synchronously in the request.
"""

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from renda.handling.models import Assignment, AssignmentRole, CaseState, Satisfaction
from renda.registry.models import Agency, Congress
from renda.suggestions import figures as sf
from renda.suggestions.models import Suggestion, SuggestionKind, SuggestionSession, SuggestionStatus

PDF_FONT = "STSong-Light"


@dataclass
class SuggestionLine:
    suggestion: Suggestion
    lead: str
    co: str
    result: str
    evaluation: str
    commitments_open: int

    @property
    def state(self) -> str:
        return self.suggestion.case.get_state_display() if self.suggestion.case_id else ""


@dataclass
class ReportData:
    congress: Congress
    year: int
    sessions: list[SuggestionSession]
    generated_at: datetime.datetime
    received: int = 0
    registered: int = 0
    declined: int = 0
    motions: int = 0
    key: int = 0
    states: list[tuple[str, int]] = field(default_factory=list)
    figures: sf.SuggestionFigures = field(default_factory=sf.SuggestionFigures)
    by_unit: list[tuple[int, str, sf.SuggestionFigures]] = field(default_factory=list)
    by_category: list[tuple[str, sf.SuggestionFigures]] = field(default_factory=list)
    key_lines: list[SuggestionLine] = field(default_factory=list)
    lines: list[SuggestionLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.congress.name}{self.year}年代表建议办理情况报告"

    @property
    def totals(self) -> list[tuple[str, object]]:
        f = self.figures
        return [
            ("收到建议（含议案）", self.received),
            ("立案", self.registered),
            ("不予立案", self.declined),
            ("其中议案", self.motions),
            ("重点督办", self.key),
            ("按时答复率", f"{f.on_time.percent}（{f.on_time.numerator}/{f.on_time.denominator}）"),
            (
                "满意率（最终评价）",
                f"{f.satisfaction.percent}（{f.satisfaction.numerator}/{f.satisfaction.denominator}）",
            ),
            ("满意 / 基本满意 / 不满意", f"{f.satisfied} / {f.basic} / {f.unsatisfied}"),
            ("重办率", f"{f.rehandle.percent}（{f.rehandle.numerator}/{f.rehandle.denominator}）"),
            *[(f"{r.code}类 {r.label}", f"{r.share.numerator}（{r.share.percent}）") for r in f.results],
            ("承诺事项 / 未落实", f"{f.commitments} / {f.commitments_open}"),
        ]


def _evaluation_label(facts: sf.Facts, case_id: int) -> str:
    rows = [r for r in facts.evaluations.get(case_id, ())]
    if not rows:
        return ""
    rnd, satisfaction, _ = rows[-1]
    label = Satisfaction(satisfaction).label
    return f"{label}（第{rnd}轮）" if rnd > 1 else label


def _result_label(facts: sf.Facts, case_id: int) -> str:
    rows = sorted(facts.replies.get(case_id, ()), key=lambda r: r[3])
    if not rows:
        return ""
    labels = dict(facts.categories)
    last_round = rows[-1][1]
    codes = [code for _, rnd, code, _ in rows if rnd == last_round]
    return "、".join(f"{c}类 {labels.get(c, '')}".strip() for c in dict.fromkeys(codes))


def build(congress: Congress, year: int, *, now: datetime.datetime | None = None) -> ReportData:
    """Everything the report shows, computed from the rows (no user scope: the view checks access)."""
    now = now or timezone.now()
    sessions = list(SuggestionSession.objects.filter(congress=congress, year=year).order_by("starts_on", "id"))
    data = ReportData(congress=congress, year=year, sessions=sessions, generated_at=now)
    submitted = Suggestion.objects.filter(congress=congress, session__year=year, case__isnull=False).exclude(
        status=SuggestionStatus.WITHDRAWN
    )
    counts = submitted.aggregate(
        received=Count("pk"),
        registered=Count("pk", filter=Q(number__isnull=False)),
        declined=Count("pk", filter=Q(number__isnull=True, case__state=CaseState.REJECTED)),
    )
    data.received, data.registered, data.declined = counts["received"], counts["registered"], counts["declined"]

    suggestions = list(
        sf.suggestion_set(None, congress=congress, year=year)
        .select_related("case", "category", "proposer", "topic", "session")
        .order_by("session__starts_on", "number", "id")
    )
    facts = sf.load_facts(Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]))
    data.figures = sf.compute(facts, now=now)
    data.motions = sum(1 for s in suggestions if s.kind == SuggestionKind.MOTION or s.decision)
    data.key = sum(1 for s in suggestions if s.is_key)
    states: dict[str, int] = defaultdict(int)
    for s in suggestions:
        states[s.case.get_state_display()] += 1
    data.states = sorted(states.items(), key=lambda kv: -kv[1])

    agencies = dict(Agency.objects.filter(pk__in=facts.agencies()).values_list("pk", "name"))
    data.by_unit = sf.by_agency(facts, agencies, now=now)
    by_category: dict[str, list[int]] = defaultdict(list)
    for s in suggestions:
        by_category[s.category.name if s.category_id else "未分类"].append(s.case_id)
    order = {s.category.name: (s.category.order, s.category.name) for s in suggestions if s.category_id}
    data.by_category = [
        (name, sf.compute(facts, cases, now=now))
        for name, cases in sorted(by_category.items(), key=lambda kv: order.get(kv[0], (10**6, kv[0])))
    ]

    units: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    latest_round: dict[int, int] = {}
    rows = (
        Assignment.objects.filter(case_id__in=facts.cases)
        .exclude(status__in=sf.ENDED)
        .order_by("case_id", "round", "role", "id")
        .values_list("case_id", "round", "role", "agency__name")
    )
    for case_id, rnd, role, name in rows:
        if rnd > latest_round.get(case_id, 0):
            latest_round[case_id] = rnd
            units[case_id] = defaultdict(list)
        units[case_id][role].append(name)
    open_commitments: dict[int, int] = defaultdict(int)
    for case_id, items in facts.commitments.items():
        open_commitments[case_id] = sum(1 for _, _, fulfilled in items if fulfilled is None)
    for s in suggestions:
        parts = units.get(s.case_id, {})
        line = SuggestionLine(
            suggestion=s,
            lead="、".join(parts.get(AssignmentRole.LEAD, []) + parts.get(AssignmentRole.SPLIT, [])),
            co="、".join(parts.get(AssignmentRole.CO, [])),
            result=_result_label(facts, s.case_id),
            evaluation=_evaluation_label(facts, s.case_id),
            commitments_open=open_commitments.get(s.case_id, 0),
        )
        data.lines.append(line)
        if s.is_key:
            data.key_lines.append(line)
    return data


# --- .xlsx ------------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # user text never becomes a formula
    return value


def _sheet(
    wb: Workbook, title: str, headers: list[str], rows: list[list[object]], widths: dict[str, int] | None = None
):
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for letter, width in (widths or {}).items():
        ws.column_dimensions[letter].width = width
    return ws


def _rate_cells(rate: sf.Rate) -> list[object]:
    return [None if rate.rate is None else round(rate.rate, 4), rate.numerator, rate.denominator]


def _figure_row(figs: sf.SuggestionFigures) -> list[object]:
    row: list[object] = [figs.suggestions]
    for rate in figs.rates:
        row += _rate_cells(rate)
    row += [figs.satisfied, figs.basic, figs.unsatisfied]
    row += [r.share.numerator for r in figs.results]
    return [*row, figs.commitments, figs.commitments_open]


def _figure_headers(figs: sf.SuggestionFigures) -> list[str]:
    headers = ["建议件数"]
    for rate in figs.rates:
        headers += [rate.label, f"{rate.label}（分子）", f"{rate.label}（分母）"]
    headers += ["满意", "基本满意", "不满意"]
    headers += [f"{r.code}类" for r in figs.results]
    return [*headers, "承诺事项", "未落实承诺事项"]


def _line_cells(line: SuggestionLine) -> list[object]:
    s = line.suggestion
    return [
        s.session.title,
        s.number_label,
        s.title,
        s.get_kind_display(),
        s.proposer.name,
        s.category.name if s.category_id else "",
        "是" if s.is_key else "",
        s.topic.title if s.topic_id else "",
        line.lead,
        line.co,
        line.state,
        line.result,
        line.evaluation,
        line.commitments_open,
    ]


LINE_HEADERS = [
    "会次", "编号", "标题", "类型", "领衔代表", "类别", "重点督办", "督办专题",
    "主办（分办）单位", "协办单位", "办理状态", "答复类别", "代表评价", "未落实承诺事项",
]  # fmt: skip


def report_xlsx(data: ReportData) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "总体情况"
    ws.append([data.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["会次", "、".join(s.title for s in data.sessions) or "—"])
    ws.append(["生成时间", timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")])
    ws.append([])
    ws.append(["项目", "数值"])
    for label, value in data.totals:
        ws.append([label, _cell(value)])
    ws.append([])
    ws.append(["办理状态", "件数"])
    for label, count in data.states:
        ws.append([label, count])
    ws.append([])
    ws.append(["统计口径"])
    for note in sf.DEFINITIONS:
        ws.append([note])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 40
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    headers = _figure_headers(data.figures)
    _sheet(
        wb,
        "按承办单位",
        ["承办单位", *headers],
        [["合计", *_figure_row(data.figures)]] + [[name, *_figure_row(f)] for _, name, f in data.by_unit],
        {"A": 28},
    )
    _sheet(wb, "按类别", ["类别", *headers], [[name, *_figure_row(f)] for name, f in data.by_category], {"A": 16})
    _sheet(wb, "重点督办建议", LINE_HEADERS, [_line_cells(x) for x in data.key_lines], {"C": 40, "I": 28})
    _sheet(wb, "建议清单", LINE_HEADERS, [_line_cells(x) for x in data.lines], {"C": 40, "I": 28})
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _text(value: object) -> str:
    """Escaped for reportlab's mini-markup; characters beyond the BMP (not in STSong-Light) become □."""
    text = "" if value is None else str(value)
    return escape("".join(ch if ord(ch) <= 0xFFFF else "□" for ch in text))


def report_pdf(data: ReportData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=10)
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)

    def table(rows: list[list[object]], widths: list[float], style=small) -> Table:
        cells = [[Paragraph(_text(v), style) for v in row] for row in rows]
        t = Table(cells, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    def figure_row(name: str, f: sf.SuggestionFigures) -> list[object]:
        return [
            name,
            f.suggestions,
            f"{f.on_time.percent} ({f.on_time.numerator}/{f.on_time.denominator})",
            f"{f.satisfaction.percent} ({f.satisfaction.numerator}/{f.satisfaction.denominator})",
            f"{f.rehandle.percent} ({f.rehandle.numerator}/{f.rehandle.denominator})",
            " / ".join(str(r.share.numerator) for r in f.results),
            f"{f.commitments_open}/{f.commitments}",
        ]

    codes = "/".join(r.code for r in data.figures.results)
    figure_head = ["", "件数", "按时答复率", "满意率", "重办率", f"{codes}类", "未落实/承诺"]
    page = landscape(A4)
    width = page[0] - 30 * mm
    fig_widths = [width * w for w in (0.26, 0.07, 0.15, 0.15, 0.13, 0.13, 0.11)]

    story: list = [Paragraph(_text(data.title), h1)]
    sessions = "、".join(s.title for s in data.sessions) or "—"
    generated = timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M")
    story.append(Paragraph(_text(f"会次：{sessions}　生成时间：{generated}"), body))
    story.append(Paragraph("一、总体情况", h2))
    story.append(table([["项目", "数值"], *[[k, v] for k, v in data.totals]], [width * 0.35, width * 0.4], body))
    if data.states:
        story.append(Spacer(1, 4 * mm))
        story.append(table([["办理状态", "件数"], *[[k, v] for k, v in data.states]], [width * 0.35, width * 0.15]))
    story.append(Paragraph("二、按承办单位", h2))
    unit_rows = [figure_head, figure_row("合计", data.figures)]
    unit_rows += [figure_row(name, f) for _, name, f in data.by_unit]
    story.append(table(unit_rows, fig_widths))
    story.append(Paragraph("三、按类别", h2))
    story.append(table([figure_head, *[figure_row(n, f) for n, f in data.by_category]], fig_widths))
    story.append(PageBreak())
    story.append(Paragraph("四、重点督办建议及办理结果", h2))
    if data.key_lines:
        key_head = [
            "编号",
            "标题",
            "领衔代表",
            "督办专题",
            "主办单位",
            "办理状态",
            "答复类别",
            "代表评价",
            "未落实承诺",
        ]
        key_rows = [
            [
                x.suggestion.number_label,
                x.suggestion.title,
                x.suggestion.proposer.name,
                x.suggestion.topic.title if x.suggestion.topic_id else "",
                x.lead,
                x.state,
                x.result,
                x.evaluation,
                x.commitments_open,
            ]
            for x in data.key_lines
        ]
        key_widths = [width * w for w in (0.07, 0.22, 0.08, 0.12, 0.14, 0.09, 0.12, 0.09, 0.07)]
        story.append(table([key_head, *key_rows], key_widths))
    else:
        story.append(Paragraph("本年度没有重点督办建议。", body))
    story.append(Paragraph("统计口径", h2))
    for note in sf.DEFINITIONS:
        story.append(Paragraph(_text(note), small))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_text(data.title),
        author=getattr(settings, "SITE_NAME", ""),
    )

    def footer(canvas, doc_) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(page[0] / 2, 7 * mm, f"第 {doc_.page} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
