"""Writes of 履职活动: every change goes through here, atomic and audited."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renda.activities.models import (
    TRANSITIONS,
    Activity,
    ActivityKind,
    ActivityPhoto,
    ActivityPlan,
    ActivityStatus,
    CheckinMethod,
    DutyStandard,
    Participant,
    new_token,
)
from renda.core.audit import audit_record, snapshot
from renda.core.models import User
from renda.core.notifications import notify_users
from renda.core.uploads import clean_image
from renda.registry.models import Congress, Deputy, Station

# A deputy may check in from this long before the start until this long after the end.
CHECKIN_BEFORE = datetime.timedelta(hours=2)
CHECKIN_AFTER = datetime.timedelta(hours=2)
MAX_PHOTOS = 20

ACTIVITY_FIELDS = ("kind", "title", "congress", "station", "division", "organiser", "starts_at", "ends_at", "place",
                   "summary")  # fmt: skip


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime) -> None:
    if ends_at < starts_at:
        raise ValidationError({"ends_at": "结束时间不能早于开始时间。"})
    if ends_at - starts_at > datetime.timedelta(days=31):
        raise ValidationError({"ends_at": "一次活动最长不超过31天，请分次登记。"})


@transaction.atomic
def activity_create(*, actor: User | None, **data: Any) -> Activity:
    fields = {k: data[k] for k in ACTIVITY_FIELDS if k in data}
    if fields.get("kind") not in ActivityKind.values:
        raise ValidationError({"kind": "请选择活动类型。"})
    _check_times(fields["starts_at"], fields["ends_at"])
    activity = Activity.objects.create(**fields, created_by=actor if actor and actor.pk else None)
    audit_record(actor=actor, action="activities.activity.create", target=activity, after=snapshot(activity))
    return activity


@transaction.atomic
def activity_update(*, actor: User | None, activity: Activity, **data: Any) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before = snapshot(activity)
    for key in ACTIVITY_FIELDS:
        if key in data:
            setattr(activity, key, data[key])
    _check_times(activity.starts_at, activity.ends_at)
    activity.save()
    audit_record(actor=actor, action="activities.activity.update", target=activity, before=before,
                 after=snapshot(activity))  # fmt: skip
    return activity


@transaction.atomic
def activity_set_status(*, actor: User | None, activity: Activity, status: str, note: str = "") -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if status not in ActivityStatus.values:
        raise ValidationError("未知的活动状态。")
    if status not in TRANSITIONS[activity.status]:
        raise ValidationError(
            f"活动当前为“{activity.get_status_display()}”，不能改为“{ActivityStatus(status).label}”。"
        )
    if status == ActivityStatus.HELD and activity.starts_at > timezone.now():
        raise ValidationError("活动尚未开始，不能登记为已举行。")
    before = activity.status
    activity.status = status
    activity.save(update_fields=["status"])
    audit_record(actor=actor, action=f"activities.activity.status.{status}", target=activity,
                 before={"状态": before}, after={"状态": status}, note=note)  # fmt: skip
    return activity


@transaction.atomic
def activity_rotate_token(*, actor: User | None, activity: Activity) -> Activity:
    """A new check-in QR code: the old one stops working (e.g. a photo of it was shared)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.checkin_token = new_token()
    activity.save(update_fields=["checkin_token"])
    audit_record(actor=actor, action="activities.activity.rotate_token", target=activity)
    return activity


@transaction.atomic
def participants_invite(*, actor: User | None, activity: Activity, deputies: Iterable[Deputy]) -> int:
    """Invite deputies (idempotent); their accounts get an in-app notice."""
    if activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("活动已取消，不能再邀请代表。")
    existing = set(Participant.objects.filter(activity=activity).values_list("deputy_id", flat=True))
    new = [d for d in dict.fromkeys(deputies) if d.pk not in existing]
    Participant.objects.bulk_create([Participant(activity=activity, deputy=d, invited=True) for d in new])
    if new:
        audit_record(actor=actor, action="activities.participant.invite", target=activity,
                     note="、".join(d.name for d in new)[:500])  # fmt: skip
        users = list(User.objects.filter(deputy__in=new, is_active=True))
        url = reverse("console:activity_detail", args=[activity.pk])
        context = {"title": activity.title, "time": f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}",
                   "place": activity.place}  # fmt: skip
        transaction.on_commit(lambda: notify_users(users, "activity.invited", context, url=url))
    return len(new)


@transaction.atomic
def participant_remove(*, actor: User | None, participant: Participant) -> None:
    if participant.attended:
        raise ValidationError("该代表已签到出席，不能移除；如登记有误，请先取消出席。")
    activity = participant.activity
    name = participant.deputy.name
    participant.delete()
    audit_record(actor=actor, action="activities.participant.remove", target=activity, note=name)


@transaction.atomic
def participant_mark(*, actor: User | None, participant: Participant, attended: bool) -> Participant:
    """Staff tick (or untick) a deputy's attendance."""
    participant = Participant.objects.select_for_update().select_related("activity").get(pk=participant.pk)
    if participant.activity.status == ActivityStatus.CANCELLED:
        raise ValidationError("活动已取消，不能登记出席。")
    if attended == participant.attended:
        return participant
    participant.attended = attended
    participant.checked_in_at = timezone.now() if attended else None
    participant.method = CheckinMethod.STAFF if attended else ""
    participant.save(update_fields=["attended", "checked_in_at", "method"])
    audit_record(actor=actor, action="activities.participant.attend" if attended else "activities.participant.absent",
                 target=participant.activity, note=participant.deputy.name)  # fmt: skip
    return participant


def checkin_window(activity: Activity) -> tuple[datetime.datetime, datetime.datetime]:
    return activity.starts_at - CHECKIN_BEFORE, activity.ends_at + CHECKIN_AFTER


def checkin_problem(activity: Activity, now: datetime.datetime | None = None) -> str:
    """Why a QR check-in is refused now ("" when it is open)."""
    now = now or timezone.now()
    if activity.status == ActivityStatus.CANCELLED:
        return "该活动已取消，无需签到。"
    opens, closes = checkin_window(activity)
    if now < opens:
        return f"签到尚未开始：活动开始前{int(CHECKIN_BEFORE.total_seconds() // 3600)}小时（{timezone.localtime(opens):%m月%d日 %H:%M}）起可以签到。"
    if now > closes:
        return "签到已结束。如确实出席，请联系活动组织人员登记。"
    return ""


@transaction.atomic
def participant_checkin(*, actor: User, activity: Activity, token: str) -> Participant:
    """A deputy's own check-in by the activity's QR code (the token is the proof of presence)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not actor.deputy_id:
        raise ValidationError("只有代表本人的账号可以扫码签到。")
    if not token or token != activity.checkin_token:
        raise ValidationError("签到二维码已失效，请扫描现场最新的二维码。")
    if problem := checkin_problem(activity):
        raise ValidationError(problem)
    participant, _created = Participant.objects.get_or_create(
        activity=activity, deputy_id=actor.deputy_id, defaults={"invited": False}
    )
    if participant.attended:
        return participant
    participant.attended = True
    participant.checked_in_at = timezone.now()
    participant.method = CheckinMethod.QR
    participant.save(update_fields=["attended", "checked_in_at", "method"])
    audit_record(actor=actor, action="activities.participant.checkin", target=activity, note=actor.deputy.name)
    return participant


@transaction.atomic
def photo_add(*, actor: User | None, activity: Activity, uploaded, caption: str = "") -> ActivityPhoto:
    if ActivityPhoto.objects.filter(activity=activity).count() >= MAX_PHOTOS:
        raise ValidationError(f"每个活动最多上传{MAX_PHOTOS}张照片。")
    content = clean_image(uploaded)
    photo = ActivityPhoto(activity=activity, caption=caption[:100], uploaded_by=actor if actor and actor.pk else None)
    photo.image.save(content.name, content, save=False)
    photo.save()
    audit_record(actor=actor, action="activities.photo.create", target=activity, note=caption[:100])
    return photo


@transaction.atomic
def photo_delete(*, actor: User | None, photo: ActivityPhoto) -> None:
    activity = photo.activity
    photo.image.delete(save=False)
    photo.delete()
    audit_record(actor=actor, action="activities.photo.delete", target=activity)


@transaction.atomic
def activity_link(*, actor: User | None, activity: Activity, opinion=None, suggestion=None) -> None:
    if opinion is not None:
        activity.opinions.add(opinion)
        audit_record(actor=actor, action="activities.activity.link_opinion", target=activity,
                     note=opinion.tracking_code)  # fmt: skip
    if suggestion is not None:
        activity.suggestions.add(suggestion)
        audit_record(actor=actor, action="activities.activity.link_suggestion", target=activity,
                     note=suggestion.title[:200])  # fmt: skip


@transaction.atomic
def activity_unlink(*, actor: User | None, activity: Activity, opinion=None, suggestion=None) -> None:
    if opinion is not None:
        activity.opinions.remove(opinion)
        audit_record(actor=actor, action="activities.activity.unlink_opinion", target=activity,
                     note=opinion.tracking_code)  # fmt: skip
    if suggestion is not None:
        activity.suggestions.remove(suggestion)
        audit_record(actor=actor, action="activities.activity.unlink_suggestion", target=activity,
                     note=suggestion.title[:200])  # fmt: skip


# --- standards and plans ------------------------------------------------------------------------


@transaction.atomic
def standard_save(
    *,
    actor: User | None,
    congress: Congress,
    year: int,
    min_reception_days: int,
    min_activities_per_deputy: int,
    min_activities_per_station: int,
) -> DutyStandard:
    standard = DutyStandard.objects.select_for_update().filter(congress=congress, year=year).first()
    before = snapshot(standard) if standard else None
    if standard is None:
        standard = DutyStandard(congress=congress, year=year)
    standard.min_reception_days = min_reception_days
    standard.min_activities_per_deputy = min_activities_per_deputy
    standard.min_activities_per_station = min_activities_per_station
    standard.updated_at = timezone.now()
    standard.save()
    audit_record(actor=actor, action="activities.standard.update" if before else "activities.standard.create",
                 target=standard, before=before, after=snapshot(standard))  # fmt: skip
    return standard


@transaction.atomic
def plan_save(*, actor: User | None, station: Station, year: int, counts: dict[str, int], note: str = "") -> int:
    """Set a station's plan for ``year``: ``counts`` maps activity kind to planned count (0 removes the line)."""
    unknown = set(counts) - set(ActivityKind.values)
    if unknown:
        raise ValidationError("未知的活动类型。")
    if any(n < 0 or n > 999 for n in counts.values()):
        raise ValidationError("计划次数应在0到999之间。")
    existing = {p.kind: p for p in ActivityPlan.objects.select_for_update().filter(station=station, year=year)}
    before = {k: p.planned for k, p in existing.items()}
    now = timezone.now()
    for kind, n in counts.items():
        row = existing.get(kind)
        if n == 0:
            if row:
                row.delete()
            continue
        if row is None:
            ActivityPlan.objects.create(station=station, year=year, kind=kind, planned=n, note=note, updated_at=now)
        elif row.planned != n or row.note != note:
            row.planned, row.note, row.updated_at = n, note, now
            row.save(update_fields=["planned", "note", "updated_at"])
    after = {k: n for k, n in counts.items() if n}
    audit_record(actor=actor, action="activities.plan.update", target=station, before={"year": year, **before},
                 after={"year": year, **after})  # fmt: skip
    return sum(after.values())
