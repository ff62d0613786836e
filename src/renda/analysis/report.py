"""The monthly analysis as .xlsx and PDF, from the report's stored JSON (offline: reportlab's built-in
CJK font STSong-Light, as ``renda.suggestions.report`` uses)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from renda.suggestions.report import _font, _text


def pct(value) -> str:
    return "—" if value is None else f"{value * 100:+.0f}%"


def change(row: dict) -> str:
    if not row.get("previous"):
        return "新出现" if row.get("count") else "—"
    return pct(row.get("change"))


def share(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def sections(data: dict) -> list[tuple[str, list[str], list[list]]]:
    """(heading, column labels, rows) of every table, shared by the page's downloads."""
    t = data.get("totals", {})
    q = data.get("quality", {})
    out = [
        (
            "一、总体情况",
            ["项目", "数值"],
            [
                ["本月收到", t.get("received", 0)],
                ["上月收到", t.get("previous", 0)],
                ["本月办结", t.get("closed", 0)],
                ["超期未结", t.get("open_overdue", 0)],
                ["本月评价", data.get("evaluated", 0)],
                ["其中不满意", data.get("unsatisfied", 0)],
                ["检查答复", q.get("total", 0)],
                ["有问题的答复", q.get("flagged", 0)],
            ],
        ),
        (
            "二、主要问题（分类）",
            ["分类", "本月", "上月", "变化"],
            [[r["name"], r["count"], r["previous"], change(r)] for r in data.get("categories", [])],
        ),
        (
            "三、高频关键词",
            ["关键词", "本月", "上月", "变化"],
            [[r["word"], r["count"], r["previous"], change(r)] for r in data.get("keywords", [])],
        ),
        (
            "四、上升较快的分类",
            ["分类", "本月", "上月", "增加"],
            [[r["name"], r["count"], r["previous"], r["delta"]] for r in data.get("rising", [])],
        ),
        (
            "五、热点问题",
            ["热点", "件数"],
            [[r["title"], r["count"] if r["count"] is not None else ""] for r in data.get("hotspots", [])],
        ),
        (
            "六、答复较慢的承办单位",
            ["承办单位", "答复件数", "平均用时（工作日）", "超期件数", "超期比例"],
            [
                [r["agency"], r["replies"], r["avg_days"], r["overdue"], share(r["overdue_share"])]
                for r in data.get("agencies", [])
            ],
        ),
        (
            "七、群众不满意事项",
            ["事项", "承办单位", "评价日期", "评价意见"],
            [[r["title"], r["agencies"], r["at"], r["comment"]] for r in data.get("unsatisfied_items", [])],
        ),
        (
            "八、答复质量",
            ["问题", "件数"],
            [
                ["未回应要点", q.get("missed_points", 0)],
                ["套话模板", q.get("template", 0)],
                ["答复迟缓", q.get("late", 0)],
                ["内容过简", q.get("short", 0)],
            ],
        ),
    ]
    return out


def report_xlsx(data: dict) -> bytes:
    wb = Workbook()
    first = True
    for heading, labels, rows in sections(data):
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = heading.split("、", 1)[-1][:28].replace("（", "(").replace("）", ")")
        ws.append([data.get("title", "")])
        ws.append([heading])
        ws.append(labels)
        for cell in ws[3]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(list(row))
        if not rows:
            ws.append(["本月没有此项数据"])
        ws.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def report_pdf(data: dict) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=22, alignment=1, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    width = A4[0] - 30 * mm
    story: list = [Paragraph(_text(data.get("title", "月度分析")), h1)]
    for heading, labels, rows in sections(data):
        story.append(Paragraph(_text(heading), h2))
        if not rows:
            message = (
                "（暂无热点数据）"
                if heading.startswith("五") and not data.get("hotspots_available")
                else "本月没有此项数据。"
            )
            story.append(Paragraph(_text(message), body))
            continue
        first = 0.4 if len(labels) > 2 else 0.6
        rest = (1 - first) / (len(labels) - 1)
        cells = [[Paragraph(_text(v), body) for v in row] for row in [labels, *rows]]
        table = Table(cells, colWidths=[width * first] + [width * rest] * (len(labels) - 1), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=data.get("title", "")).build(
        story
    )
    return buffer.getvalue()
