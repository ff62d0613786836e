"""Settings of 研判 hints (environment variables; a site may also set them in Django settings)."""

import os
from pathlib import Path

from django.conf import settings


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "") or default
    return int(value)


def min_examples() -> int:
    """Labelled examples a congress needs before its trained model replaces the cold-start rules."""
    return _int("RENDA_INSIGHT_MIN_EXAMPLES", 200)


def max_examples() -> int:
    """The most recent labelled examples a model is trained on."""
    return _int("RENDA_INSIGHT_MAX_EXAMPLES", 50_000)


def retrain_days() -> int:
    """How often the worker retrains each congress's models (0 = only on demand)."""
    return _int("RENDA_INSIGHT_RETRAIN_DAYS", 7)


def model_dir() -> Path:
    configured = getattr(settings, "RENDA_INSIGHT_MODEL_DIR", None) or os.environ.get("RENDA_INSIGHT_MODEL_DIR")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "models"
