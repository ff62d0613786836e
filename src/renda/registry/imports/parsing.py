"""Reading uploaded tables: .xlsx (openpyxl, read-only) and .csv (UTF-8 / UTF-8 with BOM / GB18030).

The format is decided by the file's content, never its name: an .xlsx is a ZIP
archive holding ``xl/workbook.xml``; anything else must be decodable text.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass

XLSX = "xlsx"
CSV = "csv"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls / .doc
BINARY_MAGICS = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"%PDF": "PDF 文档",
    b"\x1f\x8b": "gzip 压缩包",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UNRECOGNISED = "无法识别文件内容：请上传 Excel 工作簿（.xlsx）或 CSV 文本文件（.csv）。"


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    # (spreadsheet row number as the user sees it, cell values); the header is row 1.
    rows: list[tuple[int, list[object]]]
    truncated: bool = False  # more than ``max_rows`` data rows


def sniff(data: bytes) -> str:
    """``XLSX`` or ``CSV`` from the bytes, else ``FileProblem``."""
    if not data:
        raise FileProblem("上传的文件是空的。")
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileProblem("Excel 文件已损坏，无法打开；请在 Excel 中重新保存为 .xlsx 后再上传。") from exc
        if "xl/workbook.xml" not in names:
            raise FileProblem("上传的压缩文件不是 Excel 工作簿（.xlsx）。" + "请上传 .xlsx 或 .csv 文件。")
        return XLSX
    if data.startswith(OLE_MAGIC):
        raise FileProblem("不支持旧版 Excel（.xls）格式：请在 Excel 中“另存为” .xlsx 后再上传。")
    for magic, what in BINARY_MAGICS.items():
        if data.startswith(magic):
            raise FileProblem(f"上传的是{what}，不是表格文件。" + UNRECOGNISED)
    _decode(data)  # raises FileProblem for binary content
    return CSV


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise FileProblem(UNRECOGNISED)
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break
        return text
    raise FileProblem(UNRECOGNISED + "CSV 文件请使用 UTF-8 或 GBK/GB18030 编码保存。")


def read_table(data: bytes, *, max_rows: int) -> Table:
    fmt = sniff(data)
    return _read_xlsx(data, max_rows) if fmt == XLSX else _read_csv(data, max_rows)


def _is_blank(values: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _collect(rows_iter, max_rows: int) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[object]]] = []
    for number, values in rows_iter:
        values = list(values)
        if headers is None:
            if _is_blank(values):
                raise FileProblem("第 1 行应为表头（列名），但它是空的；请使用下载的模板填写。")
            headers = ["" if v is None else str(v) for v in values]
            continue
        if _is_blank(values):
            continue  # blank lines are common at the end of sheets
        if len(rows) >= max_rows:
            return Table(headers=headers, rows=rows, truncated=True)
        rows.append((number, values))
    if headers is None:
        raise FileProblem("文件中没有任何内容。")
    return Table(headers=headers, rows=rows)


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise FileProblem("Excel 文件已损坏或格式不受支持，无法打开；请在 Excel 中重新保存为 .xlsx 后再上传。") from exc
    try:
        if not workbook.worksheets:
            raise FileProblem("Excel 文件中没有工作表。")
        sheet = workbook.worksheets[0]
        try:
            return _collect(enumerate(sheet.iter_rows(values_only=True), start=1), max_rows)
        except FileProblem:
            raise
        except Exception as exc:
            raise FileProblem("读取 Excel 内容时出错，文件可能已损坏；请重新保存后再上传。") from exc
    finally:
        workbook.close()


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(enumerate(reader, start=1), max_rows)
    except csv.Error as exc:
        raise FileProblem(f"CSV 文件格式有误（{exc}），请用 Excel 重新保存后再上传。") from exc
