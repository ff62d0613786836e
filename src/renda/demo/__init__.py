"""The demo city (``renda demo``): a realistic, generated 佳河市 for trying the platform.

Public entry points: ``build_demo`` (into an empty database), ``database_state``
and ``reset_demo_database`` (wipe a previous demo build before rebuilding).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from renda.demo.build import (
    COUNT_LABELS,
    DEMO_COUNTY_CODE,
    DEMO_MARKER,
    DEMO_PASSWORD,
    DemoAccount,
    DemoError,
    DemoSummary,
    build_demo,
    database_state,
)

__all__ = [
    "COUNT_LABELS",
    "DEMO_COUNTY_CODE",
    "DEMO_MARKER",
    "DEMO_PASSWORD",
    "DemoAccount",
    "DemoError",
    "DemoSummary",
    "build_demo",
    "database_state",
    "reset_demo_database",
]


def reset_demo_database() -> None:
    """Empty every table of a database that holds a previous demo build (never anything else).

    ``flush`` works the same on SQLite and PostgreSQL and covers tables that
    later apps add, so no hand-kept deletion order can go stale.
    """
    if database_state() != "demo":
        raise DemoError("这个数据库里不是演示数据，不能清空。")
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
