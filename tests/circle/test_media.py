"""Video checks by content: MP4/WebM magic bytes, size and length limits read from the container."""

import pytest
from django.core.exceptions import ValidationError

from renda.circle import media
from tests.circle.helpers import mp4_bytes, upload, webm_bytes


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("moov_last", [False, True])
def test_mp4_length_is_read_from_mvhd(version, moov_last):
    info = media.check_video(upload(mp4_bytes(42.5, version=version, moov_last=moov_last), "a.mp4", "video/mp4"))
    assert info.content_type == media.MP4 and info.extension == "mp4"
    assert info.duration == pytest.approx(42.5)


def test_webm_length_is_read_from_info():
    info = media.check_video(upload(webm_bytes(61.0), "a.webm", "video/webm"))
    assert info.content_type == media.WEBM and info.duration == pytest.approx(61.0)


def test_too_long_video_is_refused_with_its_length(settings):
    settings.RENDA_CIRCLE_VIDEO_MAX_SECONDS = 30
    with pytest.raises(ValidationError, match="不能超过 30 秒"):
        media.check_video(upload(mp4_bytes(31), "a.mp4", "video/mp4"))


def test_too_big_video_is_refused(settings):
    settings.RENDA_CIRCLE_VIDEO_MAX_MB = 1
    data = mp4_bytes(10) + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError, match="不能超过 1 MB"):
        media.check_video(upload(data, "a.mp4", "video/mp4"))


def test_a_renamed_file_is_not_a_video():
    with pytest.raises(ValidationError, match="只支持 MP4 或 WebM"):
        media.check_video(upload(b"<html>not a video</html>" * 10, "a.mp4", "video/mp4"))


@pytest.mark.parametrize(
    "data",
    [
        webm_bytes(None),  # recorded without a duration
        mp4_bytes(10)[:40],  # truncated before moov
        b"\x00\x00\x00\x18ftypisom" + b"\xff" * 40,  # garbage boxes
    ],
)
def test_unreadable_length_is_refused_politely(data):
    with pytest.raises(ValidationError, match="无法读取该视频的时长"):
        media.check_video(upload(data, "a.mp4", "video/mp4"))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空的"):
        media.check_video(upload(b"", "a.mp4", "video/mp4"))
