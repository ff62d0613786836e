"""Checking an uploaded short video by its content: MP4 or WebM, size and length limits, no ffmpeg.

The length is read from the container itself: the ``mvhd`` box of an MP4 (timescale and duration),
or the ``Info`` element of a WebM (TimecodeScale and Duration). A file whose length cannot be read
is refused politely: we never publish a video we could not measure.
"""

import struct
import uuid
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import File

from renda.circle import conf

MP4 = "video/mp4"
WEBM = "video/webm"


def max_bytes() -> int:
    return conf.video_max_mb() * 1024 * 1024


def max_seconds() -> int:
    return conf.video_max_seconds()


@dataclass
class VideoInfo:
    content_type: str
    size: int
    duration: float
    extension: str


def sniff(head: bytes) -> str | None:
    """The container by its magic bytes: ``ftyp`` at offset 4 (MP4/MOV family), EBML with doctype webm."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return WEBM
    return None


# -- MP4 ---------------------------------------------------------------------------------------------------------
def _boxes(fh: BinaryIO, start: int, end: int):
    """(type, payload_start, box_end) of the boxes between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header)
        payload = pos + 8
        if size == 1:  # 64-bit size follows
            large = fh.read(8)
            if len(large) < 8:
                return
            size = struct.unpack(">Q", large)[0]
            payload = pos + 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < payload - pos:
            return
        yield kind, payload, pos + size
        pos += size


def mp4_duration(fh: BinaryIO, size: int) -> float | None:
    for kind, payload, box_end in _boxes(fh, 0, size):
        if kind != b"moov":
            continue
        for sub, sub_payload, _sub_end in _boxes(fh, payload, min(box_end, size)):
            if sub != b"mvhd":
                continue
            fh.seek(sub_payload)
            version = fh.read(4)[:1]
            if version == b"\x01":
                data = fh.read(28)
                if len(data) < 28:
                    return None
                _created, _modified, timescale, duration = struct.unpack(">QQIQ", data)
            else:
                data = fh.read(16)
                if len(data) < 16:
                    return None
                _created, _modified, timescale, duration = struct.unpack(">IIII", data)
            if not timescale or duration in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
                return None
            return duration / timescale
        return None
    return None


# -- WebM (EBML) -------------------------------------------------------------------------------------------------
EBML_SEGMENT, EBML_INFO = 0x18538067, 0x1549A966
EBML_TIMECODE_SCALE, EBML_DURATION = 0x2AD7B1, 0x4489
EBML_CLUSTER = 0x1F43B675


def _vint(fh: BinaryIO, *, keep_marker: bool) -> tuple[int, int] | None:
    """(value, length) of an EBML variable-size integer; sizes of all ones mean "unknown" (-1)."""
    first = fh.read(1)
    if not first:
        return None
    b = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not b & mask:
        mask >>= 1
        length += 1
    if length > 8:
        return None
    rest = fh.read(length - 1)
    if len(rest) < length - 1:
        return None
    value = b if keep_marker else b & (mask - 1)
    for c in rest:
        value = (value << 8) | c
    if not keep_marker and value == (1 << (7 * length)) - 1:
        return -1, length
    return value, length


def _element(fh: BinaryIO) -> tuple[int, int, int] | None:
    """(id, size, payload_start) of the element at the current position."""
    ident = _vint(fh, keep_marker=True)
    size = _vint(fh, keep_marker=False)
    if ident is None or size is None:
        return None
    return ident[0], size[0], fh.tell()


def webm_duration(fh: BinaryIO, size: int) -> float | None:
    fh.seek(0)
    header = _element(fh)  # the EBML header
    if header is None or header[1] < 0:
        return None
    fh.seek(header[2] + header[1])
    segment = _element(fh)
    if segment is None or segment[0] != EBML_SEGMENT:
        return None
    seg_end = size if segment[1] < 0 else min(size, segment[2] + segment[1])
    pos = segment[2]
    while pos < seg_end:
        fh.seek(pos)
        el = _element(fh)
        if el is None or el[1] < 0 or el[0] == EBML_CLUSTER:
            return None  # Info always precedes the clusters
        ident, el_size, payload = el
        if ident == EBML_INFO:
            scale, duration = 1_000_000, None
            inner = payload
            while inner < payload + el_size:
                fh.seek(inner)
                child = _element(fh)
                if child is None or child[1] < 0:
                    return None
                cid, csize, cpay = child
                data = fh.read(csize)
                if cid == EBML_TIMECODE_SCALE and data:
                    scale = int.from_bytes(data, "big")
                elif cid == EBML_DURATION and csize in (4, 8):
                    duration = struct.unpack(">f" if csize == 4 else ">d", data)[0]
                inner = cpay + csize
            if duration is None or duration <= 0:
                return None
            return duration * scale / 1_000_000_000
        pos = payload + el_size
    return None


# -- the check ---------------------------------------------------------------------------------------------------
def check_video(uploaded: File) -> VideoInfo:
    """Raise ``ValidationError`` (Chinese) unless ``uploaded`` is an MP4/WebM within the size and length limits."""
    limit = max_bytes()
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, 2)
        size = uploaded.tell()
    if size > limit:
        raise ValidationError(f"视频不能超过 {limit // 1024 // 1024} MB，请压缩或剪短后重新上传。")
    if not size:
        raise ValidationError("上传的视频文件是空的。")
    uploaded.seek(0)
    kind = sniff(uploaded.read(64))
    if kind is None:
        raise ValidationError("只支持 MP4 或 WebM 格式的视频。")
    try:
        duration = mp4_duration(uploaded, size) if kind == MP4 else webm_duration(uploaded, size)
    except (OSError, struct.error, ValueError, OverflowError):
        duration = None
    uploaded.seek(0)
    if duration is None:
        raise ValidationError("无法读取该视频的时长，请用手机相机重新录制或转换为 MP4 格式后再上传。")
    if duration > max_seconds():
        raise ValidationError(f"视频时长不能超过 {max_seconds()} 秒（该视频约 {duration:.0f} 秒），请剪短后重新上传。")
    return VideoInfo(content_type=kind, size=size, duration=duration, extension="mp4" if kind == MP4 else "webm")


def video_name(info: VideoInfo) -> str:
    return f"{uuid.uuid4().hex}.{info.extension}"

