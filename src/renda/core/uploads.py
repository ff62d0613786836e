"""Checking uploaded files by their content, not their name; streaming private files back after a scope check."""

import mimetypes
import uuid
import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP"}
MAX_IMAGE_SIDE = 2000  # photos are re-encoded no larger than this
MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs before decoding


def _too_big_message(limit: int) -> str:
    return f"图片不能超过 {limit / 1024 / 1024:.0f} MB，请压缩后重新上传。"


def clean_image(uploaded_file) -> ContentFile:
    """Return a re-encoded JPEG of ``uploaded_file``: no EXIF/GPS or other metadata, bounded size.

    Raises ``ValidationError`` (in Chinese) for anything that is not a readable image.
    """
    limit = settings.RENDA_MAX_PHOTO_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_too_big_message(limit))
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_big_message(limit))
    if not data:
        raise ValidationError("上传的文件是空的。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                probe.verify()
            if fmt not in ALLOWED_IMAGE_FORMATS:
                raise ValidationError("只支持 JPEG、PNG、WebP、GIF 或 BMP 格式的图片。")
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError("图片像素过大，请缩小后重新上传。")
            with Image.open(BytesIO(data)) as img:
                img.load()
                img = ImageOps.exif_transpose(img)  # keep the visible orientation, then drop EXIF
                if img.mode not in ("RGB", "L"):
                    rgba = img.convert("RGBA")
                    img = Image.new("RGB", rgba.size, (255, 255, 255))
                    img.paste(rgba, mask=rgba.getchannel("A"))
                img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
                out = BytesIO()
                img.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError("上传的文件不是有效的图片，请选择 JPEG 或 PNG 照片。") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("图片已损坏或无法读取，请重新选择。") from exc
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def media_response(field_file, *, public: bool, filename: str = "", content_type: str = ""):
    """Stream a file from private storage; the caller has already checked that the user may see it.

    With ``filename`` it is a download under that name; ``content_type`` (as recorded at upload) wins
    over the guess from the name."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在。") from exc
    content_type = content_type or mimetypes.guess_type(filename or field_file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=bool(filename), filename=filename or None)
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
