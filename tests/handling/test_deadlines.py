"""Stage limits: the defaults of the issue, and configured StageLimit rows (most specific wins)."""

import datetime

import pytest
from django.utils import timezone

from renda.handling.deadlines import DEFAULT_LIMITS, Limit, due_after, limit_for, remind_time, stage_due
from renda.handling.models import LimitUnit, Stage, StageLimit, Urgency

WD, DAYS, HOURS = LimitUnit.WORKING_DAYS, LimitUnit.DAYS, LimitUnit.HOURS
MONDAY = timezone.make_aware(datetime.datetime(2026, 11, 16, 10, 0))


@pytest.mark.parametrize(
    ("stage", "urgency", "expected"),
    [
        (Stage.ACCEPT, "", Limit(2, WD)),
        (Stage.SIGN, "", Limit(1, WD)),
        (Stage.REPLY, "", Limit(7, WD)),
        (Stage.REPLY, Urgency.COMPLEX, Limit(15, WD)),
        (Stage.FEEDBACK, "", Limit(2, WD)),
        (Stage.EVALUATE, "", Limit(7, DAYS)),
        (Stage.EVALUATE, Urgency.URGENT, Limit(7, DAYS)),
        (Stage.ACCEPT, Urgency.URGENT, Limit(4, HOURS)),
        (Stage.SIGN, Urgency.URGENT, Limit(2, HOURS)),
        (Stage.REPLY, Urgency.URGENT, Limit(24, HOURS)),
        (Stage.SIGN, Urgency.COMPLEX, Limit(1, WD)),
    ],
)
def test_defaults(db, stage, urgency, expected):
    assert limit_for(stage, urgency=urgency) == expected


def test_default_table_covers_every_stage():
    assert {stage for stage, _ in DEFAULT_LIMITS} == set(Stage.values)


def test_due_after_units():
    assert due_after(MONDAY, Limit(4, HOURS)) == MONDAY + datetime.timedelta(hours=4)
    assert due_after(MONDAY, Limit(7, DAYS)) == MONDAY + datetime.timedelta(days=7)
    assert timezone.localtime(due_after(MONDAY, Limit(7, WD))).date() == datetime.date(2026, 11, 25)


def test_stage_due_uses_working_days(db):
    assert timezone.localtime(stage_due(Stage.ACCEPT, MONDAY)).date() == datetime.date(2026, 11, 18)
    assert stage_due(Stage.ACCEPT, MONDAY, urgency=Urgency.URGENT) == MONDAY + datetime.timedelta(hours=4)


def limit(stage, amount, unit=WD, urgency="", prefix="", active=True):
    return StageLimit.objects.create(
        stage=stage, amount=amount, unit=unit, urgency=urgency, category_prefix=prefix, is_active=active
    )


def test_configured_rows_override_by_category_prefix_and_urgency(db):
    limit(Stage.REPLY, 10)  # any category, any urgency
    limit(Stage.REPLY, 5, urgency=Urgency.URGENT)
    limit(Stage.REPLY, 20, prefix="城乡建设")
    limit(Stage.REPLY, 3, prefix="城乡建设/物业管理")
    limit(Stage.REPLY, 12, unit=HOURS, prefix="城乡建设/物业管理", urgency=Urgency.URGENT)
    limit(Stage.REPLY, 1, prefix="教育", active=False)
    assert limit_for(Stage.REPLY) == Limit(10, WD)
    assert limit_for(Stage.REPLY, urgency=Urgency.URGENT) == Limit(5, WD)
    assert limit_for(Stage.REPLY, category_key="城乡建设/道路") == Limit(20, WD)
    assert limit_for(Stage.REPLY, category_key="城乡建设/物业管理/收费") == Limit(3, WD)
    assert limit_for(Stage.REPLY, category_key="城乡建设/物业管理", urgency=Urgency.URGENT) == Limit(12, HOURS)
    # A longer prefix beats a matching urgency; a prefix must match whole levels; inactive rows are ignored.
    assert limit_for(Stage.REPLY, category_key="城乡建设/道路", urgency=Urgency.URGENT) == Limit(20, WD)
    assert limit_for(Stage.REPLY, category_key="城乡建设局") == Limit(10, WD)
    assert limit_for(Stage.REPLY, category_key="教育/学校") == Limit(10, WD)
    # Other stages keep their defaults.
    assert limit_for(Stage.SIGN, category_key="城乡建设/道路") == Limit(1, WD)


def test_urgency_row_without_generic_row_falls_back_to_default(db):
    limit(Stage.ACCEPT, 1, unit=HOURS, urgency=Urgency.URGENT)
    assert limit_for(Stage.ACCEPT, urgency=Urgency.URGENT) == Limit(1, HOURS)
    assert limit_for(Stage.ACCEPT) == Limit(2, WD)


def test_remind_time():
    due = MONDAY + datetime.timedelta(days=7)
    assert remind_time(MONDAY, due) == due - datetime.timedelta(hours=24)
    short = MONDAY + datetime.timedelta(hours=4)
    assert remind_time(MONDAY, short) == MONDAY + datetime.timedelta(hours=2)
