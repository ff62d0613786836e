"""Notice attachments: PDF, Word (.docx) and images, recognised by their content, never by their name."""

import io
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from renda.core.uploads import clean_image

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"RIFF")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ATTACHMENTS = 10


def max_attachment_bytes() -> int:
    return getattr(settings, "RENDA_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)


def _display_name(uploaded_file, ext: str) -> str:
    stem = PurePath(getattr(uploaded_file, "name", "") or "附件").stem.strip()[:150] or "附件"
    return f"{stem}.{ext}"


def _is_docx(data: bytes) -> bool:
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            if any(n.lower().startswith("word/vbaproject") for n in names):  # macros: refuse
                return False
            total = sum(i.file_size for i in zf.infolist())
            return total < 200 * 1024 * 1024  # a zip bomb is no document
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def clean_attachment(uploaded_file) -> tuple[ContentFile, str, str]:
    """(stored file, display name, content type), or a Chinese ``ValidationError``."""
    limit = max_attachment_bytes()
    too_big = f"附件不能超过 {limit / 1024 / 1024:.0f} MB。"
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(too_big)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(too_big)
    if not data:
        raise ValidationError("上传的文件是空的。")
    if data.startswith(PDF_MAGIC):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError("PDF 文件不完整或已损坏，请重新导出后上传。")
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), _display_name(uploaded_file, "pdf"), "application/pdf"
    if data.startswith(ZIP_MAGIC):
        if not _is_docx(data):
            raise ValidationError("只支持 Word 文档（.docx，不含宏）；其他压缩文件不能上传。")
        return ContentFile(data, name=f"{uuid.uuid4().hex}.docx"), _display_name(uploaded_file, "docx"), DOCX_MIME
    if data.startswith(IMAGE_MAGIC):
        uploaded_file.seek(0)
        image = clean_image(uploaded_file)
        image.name = f"{uuid.uuid4().hex}.jpg"
        return image, _display_name(uploaded_file, "jpg"), "image/jpeg"
    raise ValidationError("附件只支持 PDF、Word（.docx）文件或 JPEG、PNG 等图片。")
