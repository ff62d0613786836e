from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from renda.core.uploads import clean_image


def image_bytes(fmt="JPEG", size=(40, 30), mode="RGB", **save) -> bytes:
    buf = BytesIO()
    Image.new(mode, size, "red" if mode != "1" else 0).save(buf, format=fmt, **save)
    return buf.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_reencodes_and_strips_exif():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {2: (46.0, 48.0, 0.0)}  # GPS info
    cleaned = clean_image(upload(image_bytes(exif=exif.tobytes())))
    assert cleaned.name.endswith(".jpg")
    with Image.open(BytesIO(cleaned.read())) as img:
        assert img.format == "JPEG"
        assert img.size == (40, 30)
        assert not img.getexif()
        assert "exif" not in img.info


def test_png_with_transparency_becomes_jpeg():
    cleaned = clean_image(upload(image_bytes("PNG", mode="RGBA"), "a.png", "image/png"))
    with Image.open(BytesIO(cleaned.read())) as img:
        assert img.format == "JPEG" and img.mode == "RGB"


def test_large_photo_is_scaled_down():
    cleaned = clean_image(upload(image_bytes(size=(4000, 1000))))
    with Image.open(BytesIO(cleaned.read())) as img:
        assert max(img.size) == 2000


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.4 not an image at all", "不是有效的图片"),
        (b"", "空的"),
        (image_bytes()[:60], "损坏"),
    ],
)
def test_non_images_refused_in_chinese(data, message):
    with pytest.raises(ValidationError, match=message):
        clean_image(upload(data, "evil.jpg"))


def test_name_does_not_matter_content_does():
    # A real PNG named .txt is accepted (by content); a text file named .jpg is refused.
    clean_image(upload(image_bytes("PNG"), "x.txt", "text/plain"))
    with pytest.raises(ValidationError):
        clean_image(upload(b"hello", "x.jpg"))


def test_size_limit(settings):
    settings.RENDA_MAX_PHOTO_BYTES = 100
    with pytest.raises(ValidationError, match="不能超过"):
        clean_image(upload(image_bytes(size=(200, 200))))


def test_pixel_bomb_refused():
    bomb = image_bytes("PNG", size=(8000, 8000), mode="1")
    with pytest.raises(ValidationError, match="像素过大|不是有效的图片"):
        clean_image(upload(bomb, "bomb.png", "image/png"))
