"""QR codes and printable contact cards for the short, stable public URLs (/d/<number>/, /s/<code>/).

The QR code encodes the short URL only, so a printed code stays valid whatever
happens to the deputy or station later: the short URL view decides where to go.
"""

import io
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.pdfgen.canvas import FILL_NON_ZERO

CARD_FONT = "STSong-Light"
CARD_CALL = "扫码反映问题"


def deputy_short_path(number: str) -> str:
    return reverse("public:deputy_short", args=[number])


def station_short_path(code: str) -> str:
    return reverse("public:station_short", args=[code])


def public_base(request) -> str:
    """The public site's origin without a trailing slash: ``RENDA_PUBLIC_BASE_URL`` when configured
    (printed codes must not depend on the host a staff member happened to use), else this request's."""
    base = (getattr(settings, "RENDA_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base or request.build_absolute_uri("/").rstrip("/")


def absolute_url(request, path: str) -> str:
    """``path`` (absolute, starting with "/") on the public site."""
    return public_base(request) + path


@lru_cache(maxsize=8)
def _path_or(names: tuple[str, ...], fallback: str) -> str:
    """The first URL name that resolves; pages built by other modules may not exist yet."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return fallback


def opinion_form_url(*, deputy: str = "", station: str = "") -> str:
    """The opinion form, pre-targeted at a deputy (by number) or a station (by code)."""
    base = _path_or(("public:opinion_new",), "/opinions/new/")
    params = {"deputy": deputy} if deputy else {"station": station} if station else {}
    return f"{base}?{urlencode(params)}" if params else base


def track_url() -> str:
    return _path_or(("public:track", "public:opinion_track"), "/track/")


def _qr(url: str) -> segno.QRCode:
    # "M" survives a scratched or creased card; boost_error raises it when the size allows.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="svg", scale=8, border=2, xmldecl=True, svgns=True, title=url)
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    _qr(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


@dataclass
class Card:
    """What a printed A6 contact card shows."""

    name: str
    url: str
    lines: list[str] = field(default_factory=list)  # level, station… (short, one line each)
    photo: bytes | None = None


@lru_cache(maxsize=1)
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(CARD_FONT))
    return CARD_FONT


def _printable(text: str) -> str:
    """STSong-Light covers the BMP only: a rare character outside it would abort the PDF."""
    return "".join(ch if ord(ch) <= 0xFFFF else "□" for ch in text)


def _fit(pdf: canvas.Canvas, text: str, size: float, width: float) -> float:
    """The largest font size ≤ ``size`` at which ``text`` fits ``width``."""
    while size > 6 and pdf.stringWidth(text, _font(), size) > width:
        size -= 0.5
    return size


def _draw_qr(pdf: canvas.Canvas, url: str, x: float, y: float, side: float) -> None:
    """The QR code as one vector path (crisp at any print size), a rectangle per run of dark modules.

    Runs overlap their neighbours by a hair so no renderer shows seams between rows.
    """
    rows = [list(row) for row in _qr(url).matrix_iter(scale=1, border=2)]
    module = side / len(rows)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, side, side, stroke=0, fill=1)
    path = pdf.beginPath()
    for r, row in enumerate(rows):
        top = y + side - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + start * module, top - 0.02 * module, (c - start) * module, 1.04 * module)
            else:
                c += 1
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)


def _draw_photo(pdf: canvas.Canvas, photo: bytes, x: float, y: float, w: float, h: float) -> bool:
    try:
        image = ImageReader(io.BytesIO(photo))
        iw, ih = image.getSize()
    except Exception:  # noqa: BLE001 - a broken photo file must not stop the card
        return False
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    pdf.drawImage(image, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")
    return True


def card_pdf(card: Card) -> bytes:
    """An A6 portrait card: photo and name on top, details, the QR code and “扫码反映问题”."""
    font = _font()
    width, height = A6
    margin = 8 * mm
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A6)
    pdf.setTitle(_printable(f"{card.name} · {CARD_CALL}"))
    pdf.setAuthor(settings.SITE_NAME)

    top = height - margin
    text_x = margin
    if card.photo:
        photo_w, photo_h = 22 * mm, 29 * mm
        if _draw_photo(pdf, card.photo, margin, top - photo_h, photo_w, photo_h):
            text_x = margin + photo_w + 4 * mm
    text_w = width - margin - text_x
    name = _printable(card.name)
    size = _fit(pdf, name, 20, text_w)
    pdf.setFont(font, size)
    pdf.drawString(text_x, top - size, name)
    y = top - size - 4 * mm
    for line in card.lines[:4]:
        line = _printable(line)
        line_size = _fit(pdf, line, 9, text_w)
        pdf.setFont(font, line_size)
        pdf.drawString(text_x, y - line_size, line)
        y -= line_size + 2.5 * mm

    side = 70 * mm
    qr_y = margin + 16 * mm
    _draw_qr(pdf, card.url, (width - side) / 2, qr_y, side)
    pdf.setFillColorRGB(0.72, 0.11, 0.11)
    pdf.setFont(font, 16)
    pdf.drawCentredString(width / 2, margin + 7 * mm, CARD_CALL)
    pdf.setFillColorRGB(0.3, 0.3, 0.3)
    url_size = _fit(pdf, card.url, 7, width - 2 * margin)
    pdf.setFont(font, url_size)
    pdf.drawCentredString(width / 2, margin + 1 * mm, card.url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
