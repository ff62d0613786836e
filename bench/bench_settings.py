"""Bench settings: the real (env-driven) settings plus the bare view's URLconf.

Use with ``bench/`` on ``sys.path`` and ``DJANGO_SETTINGS_MODULE=bench_settings``.
"""

from renda.settings import *  # noqa: F403
from renda.settings import STORAGES

ROOT_URLCONF = "bare_urls"
# Production's manifest storage needs ``collectstatic`` first; plain storage resolves a static URL
# with a dictionary lookup or less, so the timings stay comparable.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
