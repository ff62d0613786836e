"""A small fixed-window rate limiter on Django's cache (shared by all workers when the cache is)."""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


class RateLimited(Exception):
    """Raised by services when a caller is over a limit; views answer 429 with ``message``."""

    def __init__(self, message: str = "操作过于频繁，请稍后再试。") -> None:
        super().__init__(message)
        self.message = message


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/hour", "5/10m", "3/600s" → (limit, window_seconds)."""
    count, _, period = (rate or "").partition("/")
    period = period.strip().lower() or "hour"
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits) :] or "s"
    return int(count), int(digits or 1) * PERIODS[unit]


def hit(scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key`` in ``scope``; False once the window holds more than ``limit`` hits."""
    if limit <= 0:
        return True  # 0 = unlimited
    window = int(time.time() // window_seconds)
    digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
    cache_key = f"renda:rl:{scope}:{window}:{digest}"
    cache.add(cache_key, 0, window_seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds + 5)
        count = 1
    return count <= limit


def allow(scope: str, key: str, rate: str) -> bool:
    limit, window = parse_rate(rate)
    return hit(scope, key, limit, window)


def check(scope: str, key: str, rate: str, message: str = "操作过于频繁，请稍后再试。") -> None:
    if not allow(scope, key, rate):
        raise RateLimited(message)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with RENDA_TRUSTED_PROXY the last X-Forwarded-For entry (the one our proxy added)."""
    if getattr(settings, "RENDA_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded and (ip := _valid_ip(forwarded.split(",")[-1])):
            return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
