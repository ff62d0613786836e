"""Console pages of 履职活动: list, form, detail (attendance, QR check-in, photos, links) and the QR check-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from renda.activities import selectors, services
from renda.activities.forms import ActivityForm
from renda.activities.models import (
    TRANSITIONS,
    Activity,
    ActivityKind,
    ActivityPhoto,
    ActivityStatus,
    Participant,
)
from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.uploads import media_response
from renda.opinions.models import Opinion
from renda.public import qr
from renda.registry.forms import DeputyPickForm
from renda.registry.models import Station
from renda.registry.views_base import error_messages, form_errors_text, form_page, run_service, save_form
from renda.suggestions.models import Suggestion

VIEW, MANAGE, CHECKIN = "activity.view", "activity.manage", "activity.checkin"
STATUS_VERBS = {
    ActivityStatus.HELD: "登记为已举行",
    ActivityStatus.CANCELLED: "取消活动",
    ActivityStatus.PLANNED: "恢复为计划中",
}


def _local(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def _years() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this + 1, this - 5, -1)]


def _station_choices(user):
    def choices():
        return list(restrict(Station.objects.filter(is_active=True), user).order_by("code").values_list("pk", "name"))

    return choices


def activity_spec(user) -> ListSpec:
    filters = [
        field_filter("kind", "类型", ActivityKind.choices),
        field_filter("status", "状态", ActivityStatus.choices),
        Filter("year", "年度", _years, lambda qs, v: qs.filter(selectors.in_year(int(v)))),
    ]
    if user.role != "station_staff":
        filters.append(field_filter("station", "家站点", _station_choices(user), "station_id"))
    return ListSpec(
        title="履职活动",
        columns=[
            Column("时间", lambda a: _local(a.starts_at)),
            Column("活动名称", lambda a: a.title, link=True),
            Column("类型", lambda a: a.get_kind_display()),
            Column("组织单位", lambda a: a.organiser or a.congress.name),
            Column("家站点", lambda a: a.station.name if a.station else "—"),
            Column("地点", lambda a: a.place),
            Column("状态", lambda a: a.get_status_display()),
            Column("出席代表", lambda a: a.attended_count),
        ],
        search_fields=["title", "place", "organiser", "station__name", "summary"],
        search_hint="活动名称、地点、家站点或纪要",
        filters=filters,
        export_name="履职活动",
        detail_url="console:activity_detail",
        empty_text="还没有登记履职活动。",
    )


@require_safe
@staff_required(VIEW)
def activity_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.activities_for(request.user).order_by("-starts_at", "-pk")
    result = run_list(request, qs, activity_spec(request.user))
    if isinstance(result, HttpResponse):
        return result
    result["create_url"] = "console:activity_create" if has_perm(request.user, MANAGE) else ""
    return render(request, "registry/list.html", result)


def _activity_data(form: ActivityForm) -> dict:
    data = dict(form.cleaned_data)
    station = data.get("station")
    data["division"] = station.division if station else data["congress"].division
    return data


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(request.POST or None, user=request.user)
    if request.method == "POST":
        activity = save_form(form, lambda: services.activity_create(actor=request.user, **_activity_data(form)))
        if activity:
            messages.success(request, f"已登记活动“{activity.title}”。")
            return redirect("console:activity_detail", pk=activity.pk)
    return form_page(request, form, title="登记履职活动", cancel_url=reverse("console:activity_list"))


@require_http_methods(["GET", "POST"])
@staff_required(MANAGE)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_scoped_or_404(Activity.objects.all(), request.user, pk=pk)
    form = ActivityForm(request.POST or None, instance=Activity.objects.get(pk=pk), user=request.user)
    if request.method == "POST":
        save = lambda: services.activity_update(actor=request.user, activity=activity, **_activity_data(form))  # noqa: E731
        if save_form(form, save):
            messages.success(request, "已保存。")
            return redirect("console:activity_detail", pk=pk)
    cancel = reverse("console:activity_detail", args=[pk])
    return form_page(request, form, title=f"编辑活动：{activity.title}", cancel_url=cancel)


def _checkin_url(request: HttpRequest, activity: Activity) -> str:
    """A console URL, so on the host the console is served from (not RENDA_PUBLIC_BASE_URL, the citizens' site)."""
    return request.build_absolute_uri(reverse("console:activity_checkin", args=[activity.pk, activity.checkin_token]))


@require_safe
@staff_required(VIEW)
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Activity.objects.select_related("congress", "station", "division", "created_by").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("deputy").order_by("deputy__number")),
        "photos",
        Prefetch("opinions", queryset=Opinion.objects.only("pk", "tracking_code", "title", "created_at")),
        Prefetch("suggestions", queryset=Suggestion.objects.only("pk", "title", "number")),
    )
    activity = get_scoped_or_404(qs, request.user, pk=pk)
    can_manage = has_perm(request.user, MANAGE)
    participants = list(activity.participants.all())
    mine = next((p for p in participants if p.deputy_id == request.user.deputy_id), None)
    ctx = {
        "a": activity,
        "participants": participants,
        "attended": sum(p.attended for p in participants),
        "mine": mine,
        "can_manage": can_manage,
        "moves": [(s, STATUS_VERBS[s]) for s in ActivityStatus.values if s in TRANSITIONS[activity.status]],
        "pick_form": DeputyPickForm(user=request.user),
        "checkin_problem": services.checkin_problem(activity),
        "window": services.checkin_window(activity),
    }
    if can_manage:
        ctx["checkin_url"] = _checkin_url(request, activity)
    return render(request, "activities/detail.html", ctx)


def _managed(request: HttpRequest, pk: int) -> Activity:
    return get_scoped_or_404(Activity.objects.select_related("congress", "station"), request.user, pk=pk)


def _back(pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("console:activity_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


@require_POST
@staff_required(MANAGE)
def activity_status(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    status = request.POST.get("status", "")
    label = STATUS_VERBS.get(status, "修改状态")
    run_service(request, lambda: services.activity_set_status(actor=request.user, activity=activity, status=status),
                f"已{label}。")  # fmt: skip
    return _back(pk)


@require_POST
@staff_required(MANAGE)
def activity_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    run_service(request, lambda: services.activity_rotate_token(actor=request.user, activity=activity),
                "已更换签到二维码，旧的二维码不再有效。")  # fmt: skip
    return _back(pk, "checkin")


@require_POST
@staff_required(MANAGE)
def activity_invite(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    form = DeputyPickForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _back(pk, "participants")
    deputy = form.cleaned_data["deputy"]
    run_service(request, lambda: services.participants_invite(actor=request.user, activity=activity, deputies=[deputy]),
                f"已邀请{deputy.name}参加。")  # fmt: skip
    return _back(pk, "participants")


def _participant(request: HttpRequest, pk: int, participant_pk: int) -> Participant:
    _managed(request, pk)
    try:
        return Participant.objects.select_related("activity", "deputy").get(pk=participant_pk, activity_id=pk)
    except Participant.DoesNotExist as exc:
        raise Http404("没有找到该参加代表。") from exc


@require_POST
@staff_required(MANAGE)
def activity_participant_mark(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    attended = request.POST.get("attended") == "1"
    done = f"已登记{participant.deputy.name}{'出席' if attended else '未出席'}。"
    run_service(request, lambda: services.participant_mark(actor=request.user, participant=participant,
                                                            attended=attended), done)  # fmt: skip
    return _back(pk, "participants")


@require_POST
@staff_required(MANAGE)
def activity_participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    participant = _participant(request, pk, participant_pk)
    name = participant.deputy.name
    run_service(request, lambda: services.participant_remove(actor=request.user, participant=participant),
                f"已移除{name}。")  # fmt: skip
    return _back(pk, "participants")


@require_POST
@staff_required(MANAGE)
def activity_photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    uploaded = request.FILES.get("image")
    if not uploaded:
        messages.error(request, "请选择要上传的照片。")
        return _back(pk, "photos")
    caption = request.POST.get("caption", "").strip()
    run_service(request, lambda: services.photo_add(actor=request.user, activity=activity, uploaded=uploaded,
                                                     caption=caption), "已上传照片。")  # fmt: skip
    return _back(pk, "photos")


@require_POST
@staff_required(MANAGE)
def activity_photo_delete(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    _managed(request, pk)
    photo = ActivityPhoto.objects.filter(pk=photo_pk, activity_id=pk).select_related("activity").first()
    if photo is None:
        raise Http404("没有找到该照片。")
    run_service(request, lambda: services.photo_delete(actor=request.user, photo=photo), "已删除照片。")
    return _back(pk, "photos")


def _find_opinion(request: HttpRequest, code: str) -> Opinion:
    opinion = restrict(Opinion.objects.all(), request.user).filter(tracking_code=code.strip().upper()).first()
    if opinion is None:
        raise ValidationError(f"没有找到查询码为“{code}”的群众意见，或您无权查看。")
    return opinion


def _find_suggestion(request: HttpRequest, ref: str) -> Suggestion:
    ref = ref.strip()
    qs = restrict(Suggestion.objects.all(), request.user)
    match = qs.filter(pk=int(ref)).first() if ref.isdigit() else None
    if match is None:
        found = list(qs.filter(title=ref)[:2])
        match = found[0] if len(found) == 1 else None
    if match is None:
        raise ValidationError(f"没有找到“{ref}”对应的代表建议（请输入建议ID或完整标题），或您无权查看。")
    return match


@require_POST
@staff_required(MANAGE)
def activity_link(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    unlink = request.POST.get("unlink") == "1"
    opinion_code = request.POST.get("opinion", "").strip()
    suggestion_ref = request.POST.get("suggestion", "").strip()
    if not opinion_code and not suggestion_ref:
        messages.error(request, "请输入群众意见的查询码或代表建议的ID。")
        return _back(pk, "links")
    try:
        opinion = _find_opinion(request, opinion_code) if opinion_code else None
        suggestion = _find_suggestion(request, suggestion_ref) if suggestion_ref else None
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
        return _back(pk, "links")
    service = services.activity_unlink if unlink else services.activity_link
    run_service(request, lambda: service(actor=request.user, activity=activity, opinion=opinion,
                                         suggestion=suggestion), "已取消关联。" if unlink else "已关联。")  # fmt: skip
    return _back(pk, "links")


@require_safe
@staff_required(MANAGE)
def activity_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _managed(request, pk)
    response = HttpResponse(qr.qr_svg(_checkin_url(request, activity)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@staff_required(MANAGE)
def activity_qr_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in code full screen, for a projector or a printed sheet at the door."""
    activity = _managed(request, pk)
    return render(request, "activities/qr.html", {"a": activity, "checkin_url": _checkin_url(request, activity)})


@require_http_methods(["GET", "POST"])
@staff_required(CHECKIN)
def activity_checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What the QR code opens on a deputy's phone: confirm (POST) to check in. The token is the proof of presence."""
    activity = Activity.objects.select_related("congress", "station").filter(pk=pk).first()
    if activity is None or activity.checkin_token != token:
        return render(request, "activities/checkin.html", {"invalid": True}, status=404)
    participant = Participant.objects.filter(activity=activity, deputy_id=request.user.deputy_id).first()
    if request.method == "POST":
        try:
            participant = services.participant_checkin(actor=request.user, activity=activity, token=token)
        except ValidationError as exc:
            messages.error(request, error_messages(exc))
        else:
            messages.success(request, "签到成功，感谢您按时参加活动！")
        return redirect("console:activity_checkin", pk=pk, token=token)
    ctx = {"a": activity, "participant": participant, "problem": services.checkin_problem(activity)}
    return render(request, "activities/checkin.html", ctx)



@require_safe
@staff_required(VIEW)
def activity_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An activity's photo, to whoever may open the activity (404 outside that scope)."""
    photo = ActivityPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404("照片不存在。")
    get_scoped_or_404(Activity.objects.all(), request.user, pk=photo.activity_id)
    return media_response(photo.image, public=False)
