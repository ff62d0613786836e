"""Writing .xlsx files (openpyxl, streaming write-only mode)."""

from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, str)):
        # A leading "=" would make Excel evaluate user text as a formula.
        return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value
    return str(value)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *, sheet: str = "Sheet1") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append(list(headers))
    for row in rows:
        ws.append([_cell(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(headers, rows), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
