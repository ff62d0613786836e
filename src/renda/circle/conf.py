"""Settings of 履职圈: a Django setting wins, else the environment variable, else the default."""

import os

from django.conf import settings


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def moderation_required() -> bool:
    """``RENDA_CIRCLE_MODERATION`` (default on): posts wait for staff approval before publication."""
    value = getattr(settings, "RENDA_CIRCLE_MODERATION", None)
    if value is None:
        value = _env("RENDA_CIRCLE_MODERATION", "1").strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def video_max_mb() -> int:
    return int(getattr(settings, "RENDA_CIRCLE_VIDEO_MAX_MB", None) or _env("RENDA_CIRCLE_VIDEO_MAX_MB", "50"))


def video_max_seconds() -> int:
    return int(getattr(settings, "RENDA_CIRCLE_VIDEO_MAX_SECONDS", None) or _env("RENDA_CIRCLE_VIDEO_MAX_SECONDS", "120"))
