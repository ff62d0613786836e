"""Downloadable import templates: .xlsx (data sheet + “说明” sheet) and CSV (UTF-8 with BOM)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from renda.registry.imports.runner import MAX_ROWS
from renda.registry.imports.specs import SPECS, Spec

TEMPLATE_ROWS = 1000  # rows pre-formatted as text / with drop-downs

GENERAL_NOTES = {
    "deputies": [
        "每行一位代表。身份证号为匹配依据；没有身份证号时按代表编号匹配。两者至少填写一项。",
        "已存在的代表会被更新，并补充所填届次的代表资格；不存在的代表会被新增。",
        "填写“家站点编号”时，代表将进驻该家站点。",
    ],
    "stations": ["每行一个家站点，按“编号”匹配：已存在的家站点会被更新，不存在的会被新增。"],
    "agencies": [
        "每行一个承办单位，按“单位编号”匹配：已存在的单位会被更新，不存在的会被新增。",
        "“上级单位编号”可以引用本文件中的另一行，顺序不限。",
    ],
}
COMMON_NOTES = [
    "第 1 行为表头，请勿修改列名；从第 2 行开始填写数据，示例行请删除或改成真实数据。",
    "带“必填”的列不能为空；选填列留空时，不会覆盖系统中已有的内容。",
    "只要有一行有错误，整个文件都不会导入；系统会列出每个错误所在的行号和原因，改正后重新上传即可。",
    "同一文件重复导入不会产生重复记录，只会更新。",
    f"每个文件最多 {MAX_ROWS} 行；也可以另存为 CSV（UTF-8 或 GBK 编码）上传。",
]


def template_filename(spec: Spec, ext: str) -> str:
    return f"{spec.label}导入模板.{ext}"


def template_xlsx(kind: str) -> bytes:
    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = f"{spec.label}"
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDECEA")
    ws.append(spec.headers)
    ws.append([c.example for c in spec.columns])
    ws.freeze_panes = "A2"
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        head = ws.cell(row=1, column=index)
        head.font = bold
        if column.required:
            head.fill = required_fill
        ws.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.as_text:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(validation)

    help_sheet = wb.create_sheet("说明")
    help_sheet.append([f"{spec.label}导入说明"])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for note in GENERAL_NOTES.get(kind, []) + COMMON_NOTES:
        help_sheet.append([note])
    help_sheet.append([])
    help_sheet.append(["列名", "是否必填", "说明", "示例"])
    table_start = help_sheet.max_row
    for cell in help_sheet[table_start]:
        cell.font = bold
    for column in spec.columns:
        help_sheet.append([column.header, "必填" if column.required else "选填", column.help, column.example])
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 70
    help_sheet.column_dimensions["D"].width = 24
    for row in help_sheet.iter_rows(min_row=table_start + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    """UTF-8 with BOM, so Excel on Windows opens the Chinese headers correctly."""
    spec = SPECS[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.headers)
    writer.writerow([c.example for c in spec.columns])
    return buffer.getvalue().encode("utf-8-sig")
