"""Suggestion attachments: PDFs and images, checked by their content and size, never by their name."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from renda.core.uploads import clean_image

PDF_MAGIC = b"%PDF-"
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"RIFF")


def max_attachment_bytes() -> int:
    return getattr(settings, "RENDA_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)


def _display_name(uploaded_file, ext: str) -> str:
    stem = PurePath(getattr(uploaded_file, "name", "") or "附件").stem.strip()[:150] or "附件"
    return f"{stem}.{ext}"


def clean_attachment(uploaded_file) -> tuple[ContentFile, str]:
    """(stored file, display name) for an uploaded PDF or image; a Chinese ``ValidationError`` otherwise.

    PDFs are recognised by their header and kept as uploaded (size-limited by
    ``RENDA_MAX_ATTACHMENT_BYTES``); images go through ``core.uploads.clean_image``
    (re-encoded JPEG without EXIF/GPS).
    """
    limit = max_attachment_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"附件不能超过 {limit / 1024 / 1024:.0f} MB。")
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"附件不能超过 {limit / 1024 / 1024:.0f} MB。")
    if not data:
        raise ValidationError("上传的文件是空的。")
    if data.startswith(PDF_MAGIC):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError("PDF 文件不完整或已损坏，请重新导出后上传。")
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), _display_name(uploaded_file, "pdf")
    if data.startswith(IMAGE_MAGIC):
        uploaded_file.seek(0)
        return clean_image(uploaded_file), _display_name(uploaded_file, "jpg")
    raise ValidationError("附件只支持 PDF 文件或 JPEG、PNG 等图片。")
