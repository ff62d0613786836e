"""Rows for the station ledgers (台账) built by ``renda.ledgers``: 活动记录 and 学习培训记录."""

from django.db.models import Prefetch
from django.utils import timezone

from renda.activities.models import ActivityKind, Participant
from renda.activities.selectors import station_year
from renda.registry.models import Station

ACTIVITY_HEADERS = ["日期", "活动类型", "活动名称", "地点", "组织单位", "状态", "出席代表人数", "出席代表", "活动纪要"]
TRAINING_HEADERS = ["日期", "培训内容", "地点", "组织单位", "出席代表人数", "出席代表", "纪要"]


def _rows(station: Station, year: int, *, kind: str | None = None):
    qs = station_year(station, year).select_related("congress")
    if kind:
        qs = qs.filter(kind=kind)
    attended = Participant.objects.filter(attended=True).select_related("deputy").order_by("deputy__number")
    return qs.prefetch_related(Prefetch("participants", queryset=attended, to_attr="attendees"))


def _names(activity) -> str:
    return "、".join(p.deputy.name for p in activity.attendees)


def _date(activity) -> str:
    return f"{timezone.localtime(activity.starts_at):%Y-%m-%d}"


def activity_rows(station: Station, year: int) -> tuple[list[str], list[list]]:
    """Every activity (not cancelled) at ``station`` in ``year``, oldest first."""
    rows = [
        [_date(a), a.get_kind_display(), a.title, a.place, a.organiser or a.congress.name, a.get_status_display(),
         a.attended_count, _names(a), a.summary]  # fmt: skip
        for a in _rows(station, year)
    ]
    return ACTIVITY_HEADERS, rows


def training_rows(station: Station, year: int) -> tuple[list[str], list[list]]:
    """The 学习培训 activities at ``station`` in ``year``."""
    rows = [
        [_date(a), a.title, a.place, a.organiser or a.congress.name, a.attended_count, _names(a), a.summary]
        for a in _rows(station, year, kind=ActivityKind.STUDY)
    ]
    return TRAINING_HEADERS, rows
