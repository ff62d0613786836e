"""Tiny generated media for the 履职圈 tests: PNGs, MP4 and WebM headers with a known length."""

import struct
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name: str = "p.png", color=(200, 30, 30), size=(40, 30)) -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(seconds: float, *, version: int = 0, moov_last: bool = False, timescale: int = 1000) -> bytes:
    duration = int(seconds * timescale)
    if version == 0:
        mvhd = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, timescale, duration) + b"\x00" * 80
    else:
        mvhd = b"\x01\x00\x00\x00" + struct.pack(">QQIQ", 0, 0, timescale, duration) + b"\x00" * 80
    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    moov = box(b"moov", box(b"mvhd", mvhd) + box(b"trak", b"\x00" * 16))
    mdat = box(b"mdat", b"\x00" * 256)
    return ftyp + (mdat + moov if moov_last else moov + mdat)


def _ebml(ident: int, payload: bytes) -> bytes:
    id_bytes = ident.to_bytes((ident.bit_length() + 7) // 8, "big")
    return id_bytes + (0x0100000000000000 | len(payload)).to_bytes(8, "big") + payload  # 8-byte size vint


def webm_bytes(seconds: float | None, *, scale: int = 1_000_000) -> bytes:
    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm"))
    info_children = _ebml(0x2AD7B1, scale.to_bytes(3, "big"))
    if seconds is not None:
        info_children += _ebml(0x4489, struct.pack(">d", seconds * 1_000_000_000 / scale))
    seek_head = _ebml(0x114D9B74, b"\x00" * 8)
    cluster = _ebml(0x1F43B675, b"\x00" * 32)
    segment = _ebml(0x18538067, seek_head + _ebml(0x1549A966, info_children) + cluster)
    return header + segment


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
