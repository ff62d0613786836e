"""Console pages of 选民接待日: days, plans, the roster, bookings, visitor records. Thin: services write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.models import Role
from renda.reception import selectors, services
from renda.reception.forms import CancelForm, PlanForm, ShiftMarkForm, VisitForm
from renda.reception.models import (
    Booking,
    BookingStatus,
    DayStatus,
    DutyShift,
    PlanKind,
    ReceptionDay,
    ReceptionPlan,
    ShiftStatus,
    Visit,
)
from renda.registry.models import Deputy, Station
from renda.registry.views_base import apply_errors, error_messages

SHIFT_ACTIONS = (
    (ShiftStatus.ATTENDED, "到岗"),
    (ShiftStatus.ABSENT, "缺席"),
    (ShiftStatus.SUBSTITUTED, "替班"),
    (ShiftStatus.LEAVE, "请假"),
    (ShiftStatus.SCHEDULED, "恢复为已排班"),
)
WHEN = (("upcoming", "今天及以后"), ("past", "已过去"))


def _when_filter(field: str) -> Filter:
    def apply(qs, value):
        today = timezone.localdate()
        return qs.filter(**{f"{field}__gte" if value == "upcoming" else f"{field}__lt": today})

    return Filter("when", "时间", WHEN, apply)


def _station_filter(user, field: str) -> Filter:
    def choices():
        return list(restrict(Station.objects.all(), user).order_by("code").values_list("pk", "name")[:500])

    return Filter("station", "家站点", choices, lambda qs, v: qs.filter(**{field: v}))


def _roster_text(day: ReceptionDay) -> str:
    names = []
    for s in day.shifts.all():
        if s.status == ShiftStatus.SUBSTITUTED and s.substitute:
            names.append(f"{s.substitute.name}（替{s.deputy.name}）")
        elif s.status == ShiftStatus.ABSENT:
            names.append(f"{s.deputy.name}（缺席）")
        else:
            names.append(s.deputy.name)
    return "、".join(names)


def _time(day: ReceptionDay) -> str:
    return f"{day.start_time:%H:%M}–{day.end_time:%H:%M}"


def _list(request: HttpRequest, qs, spec: ListSpec, tab: str, **extra) -> HttpResponse:
    result = run_list(request, qs, spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, "reception/list.html", {**result, "tab": tab, **extra})


# --- lists ----------------------------------------------------------------------------------------


def day_spec(user) -> ListSpec:
    return ListSpec(
        title="选民接待日",
        columns=[
            Column("日期", lambda d: f"{d.date:%Y-%m-%d}", link=True),
            Column("时间", _time),
            Column("家站点", lambda d: d.station.name),
            Column("主题", lambda d: d.topic),
            Column("状态", lambda d: d.get_status_display()),
            Column("值班代表", _roster_text),
            Column("预约", lambda d: d.booking_count),
            Column("来访", lambda d: d.visit_count),
        ],
        search_fields=["station__name", "topic"],
        search_hint="家站点名称或主题",
        filters=[
            _when_filter("date"),
            field_filter("status", "状态", DayStatus.choices),
            _station_filter(user, "station_id"),
        ],
        export_name="选民接待日",
        detail_url="console:reception_day_detail",
        empty_text="还没有接待日。请先新建接待日安排。",
    )


@staff_required("reception.view")
def day_list(request):
    qs = selectors.days(request.user)
    if "when" not in request.GET and "q" not in request.GET:
        qs = qs.filter(date__gte=timezone.localdate()).order_by("date", "start_time", "pk")
    return _list(request, qs, day_spec(request.user), "days")


def plan_spec(user) -> ListSpec:
    return ListSpec(
        title="接待日安排",
        columns=[
            Column("名称", lambda p: p.title, link=True),
            Column("家站点", lambda p: p.station.name),
            Column("规则", lambda p: p.rule_text),
            Column("时间", lambda p: f"{p.start_time:%H:%M}–{p.end_time:%H:%M}"),
            Column("开始", lambda p: f"{p.starts_on:%Y-%m-%d}"),
            Column("结束", lambda p: f"{p.ends_on:%Y-%m-%d}" if p.ends_on else "长期"),
            Column("启用", lambda p: p.is_active, badge=True),
        ],
        search_fields=["title", "station__name"],
        search_hint="名称或家站点",
        filters=[
            field_filter("kind", "安排方式", PlanKind.choices),
            Filter("active", "状态", (("1", "启用"), ("0", "停用")), lambda qs, v: qs.filter(is_active=v == "1")),
            _station_filter(user, "station_id"),
        ],
        export_name="接待日安排",
        detail_url="console:reception_plan_detail",
        empty_text="还没有接待日安排。",
    )


@staff_required("reception.manage")
def plan_list(request):
    return _list(request, selectors.plans(request.user), plan_spec(request.user), "plans")


def shift_spec(user) -> ListSpec:
    return ListSpec(
        title="值班安排",
        columns=[
            Column("日期", lambda s: f"{s.day.date:%Y-%m-%d}", link=True),
            Column("时间", lambda s: _time(s.day)),
            Column("家站点", lambda s: s.day.station.name),
            Column("值班代表", lambda s: s.deputy.name),
            Column("状态", lambda s: s.get_status_display()),
            Column("替班代表", lambda s: s.substitute.name if s.substitute else ""),
            Column("说明", lambda s: s.note),
            Column("接待日状态", lambda s: s.day.get_status_display()),
        ],
        search_fields=["deputy__name", "substitute__name", "day__station__name"],
        search_hint="代表姓名或家站点",
        filters=[
            _when_filter("day__date"),
            field_filter("status", "值班状态", ShiftStatus.choices),
            _station_filter(user, "day__station_id"),
        ],
        export_name="值班安排",
        detail_url="console:reception_shift_day",
        empty_text="没有值班安排。",
    )


@staff_required("reception.view")
def shift_list(request):
    return _list(request, selectors.shifts(request.user), shift_spec(request.user), "shifts")


@staff_required("reception.view")
def shift_day(request, pk: int):
    shift = get_scoped_or_404(DutyShift.objects.all(), request.user, pk=pk)
    return redirect("console:reception_day_detail", pk=shift.day_id)


def booking_spec(user) -> ListSpec:
    return ListSpec(
        title="接待预约",
        columns=[
            Column("预约码", lambda b: b.code),
            Column("日期", lambda b: f"{b.day.date:%Y-%m-%d}", link=True),
            Column("时段", lambda b: f"{b.slot_start:%H:%M}"),
            Column("家站点", lambda b: b.day.station.name),
            Column("姓名", lambda b: b.name),
            Column("手机号", lambda b: _phone(user, b.phone)),
            Column("反映事项", lambda b: b.topic),
            Column("状态", lambda b: b.get_status_display()),
        ],
        search_fields=["code", "name", "phone", "topic", "day__station__name"],
        search_hint="预约码、姓名、手机号或事项",
        filters=[
            _when_filter("day__date"),
            field_filter("status", "状态", BookingStatus.choices),
            _station_filter(user, "day__station_id"),
        ],
        export_name="接待预约",
        detail_url="console:reception_booking_day",
        empty_text="没有预约。",
    )


def _phone(user, phone: str) -> str:
    from renda.core.masking import phone_for

    return phone_for(user, phone)


@staff_required("reception.view")
def booking_list(request):
    return _list(request, selectors.bookings(request.user), booking_spec(request.user), "bookings")


@staff_required("reception.view")
def booking_day(request, pk: int):
    booking = get_scoped_or_404(Booking.objects.all(), request.user, pk=pk)
    return redirect("console:reception_day_detail", pk=booking.day_id)


def visit_spec(user) -> ListSpec:
    return ListSpec(
        title="来访记录",
        columns=[
            Column("日期", lambda v: f"{v.day.date:%Y-%m-%d}", link=True),
            Column("家站点", lambda v: v.day.station.name),
            Column("来访人", lambda v: v.visitor_name),
            Column("联系电话", lambda v: v.visitor_phone),
            Column("接待代表", lambda v: v.deputy.name if v.deputy else ""),
            Column("接待情况", lambda v: v.summary[:60]),
            Column("意见数", lambda v: v.opinion_count),
            Column("记录人", lambda v: str(v.recorded_by or "")),
        ],
        search_fields=["visitor_name", "summary", "deputy__name", "day__station__name"],
        search_hint="来访人、接待情况或代表",
        filters=[_when_filter("day__date"), _station_filter(user, "day__station_id")],
        export_name="来访记录",
        detail_url="console:reception_visit_day",
        empty_text="还没有来访记录。",
    )


@staff_required("reception.view")
def visit_list(request):
    return _list(request, selectors.visits(request.user), visit_spec(request.user), "visits")


@staff_required("reception.view")
def visit_day(request, pk: int):
    visit = get_scoped_or_404(Visit.objects.all(), request.user, pk=pk)
    return redirect("console:reception_day_detail", pk=visit.day_id)


# --- plans ------------------------------------------------------------------------------------------


@staff_required("reception.manage")
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user, station=form.cleaned_data["station"], **form.plan_fields()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已新建接待日安排“{plan.title}”，并生成了接待日。")
            return redirect("console:reception_plan_detail", pk=plan.pk)
    return render(request, "reception/plan_form.html", {"form": form})


@staff_required("reception.manage")
def plan_detail(request, pk: int):
    plan = get_scoped_or_404(ReceptionPlan.objects.select_related("station"), request.user, pk=pk)
    today = timezone.localdate()
    upcoming = plan.days.filter(date__gte=today).order_by("date")[:12]
    counts = {
        "total": plan.days.count(),
        "upcoming": plan.days.filter(date__gte=today, status=DayStatus.SCHEDULED).count(),
        "held": plan.days.filter(status=DayStatus.HELD).count(),
    }
    return render(request, "reception/plan_detail.html", {"plan": plan, "upcoming": upcoming, "counts": counts})


@require_POST
@staff_required("reception.manage")
def plan_deactivate(request, pk: int):
    plan = get_scoped_or_404(ReceptionPlan.objects.select_related("station"), request.user, pk=pk)
    try:
        n = services.plan_deactivate(actor=request.user, plan=plan, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, f"已停用该安排，取消了 {n} 个未来的接待日（已预约群众会收到短信）。")
    return redirect("console:reception_plan_detail", pk=plan.pk)


# --- a day ------------------------------------------------------------------------------------------


def _day(request, pk: int) -> ReceptionDay:
    return get_scoped_or_404(ReceptionDay.objects.select_related("station", "plan"), request.user, pk=pk)


@staff_required("reception.view")
def day_detail(request, pk: int):
    day = _day(request, pk)
    user = request.user
    shifts = list(day.shifts.select_related("deputy", "substitute").order_by("pk"))
    future = day.date > timezone.localdate()
    for s in shifts:  # the moves the roster form offers: the transition table, minus attendance before the day
        allowed = DutyShift.TRANSITIONS.get(s.status, set())
        s.moves = [(v, label) for v, label in SHIFT_ACTIONS if v in allowed
                   and not (future and v in (ShiftStatus.ATTENDED, ShiftStatus.ABSENT))]  # fmt: skip
    manage = has_perm(user, "reception.manage")
    bookings = list(day.bookings.order_by("slot_start", "pk"))
    visits = list(
        day.visits.select_related("deputy", "recorded_by", "booking").prefetch_related("links__opinion").order_by("pk")
    )
    counts = services.slot_counts(day)
    ctx = {
        "day": day,
        "shifts": shifts,
        "bookings": bookings,
        "visits": visits,
        "slots": [(s, counts.get(s, 0)) for s in day.slots()],
        "manage": manage,
        "can_record": services.may_record(user, day),
        "station_deputies": list(services.station_deputies(day.station)) if manage else [],
        "rostered": {s.deputy_id for s in shifts},
        "cancel_form": CancelForm(),
        "is_deputy": user.role == Role.DEPUTY,
        "today": timezone.localdate(),
    }
    return render(request, "reception/day_detail.html", ctx)


def _back(day: ReceptionDay) -> HttpResponse:
    return redirect("console:reception_day_detail", pk=day.pk)


def _run(request, call, success: str) -> None:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, success)


@require_POST
@staff_required("reception.manage")
def day_cancel(request, pk: int):
    day = _day(request, pk)
    _run(request, lambda: services.day_cancel(actor=request.user, day=day, reason=request.POST.get("reason", "")),
         "已取消该接待日，已预约的群众会收到短信。")  # fmt: skip
    return _back(day)


@require_POST
@staff_required("reception.manage")
def day_update(request, pk: int):
    day = _day(request, pk)
    _run(request, lambda: services.day_update(actor=request.user, day=day, topic=request.POST.get("topic", ""),
                                              place=request.POST.get("place", "")), "已保存。")  # fmt: skip
    return _back(day)


def _deputy(request, day: ReceptionDay, value) -> Deputy | None:
    if not str(value or "").isdigit():
        return None
    return services.station_deputies(day.station).filter(pk=int(value)).first()


@require_POST
@staff_required("reception.manage")
def shift_add(request, pk: int):
    day = _day(request, pk)
    deputy = _deputy(request, day, request.POST.get("deputy"))
    if deputy is None:
        messages.error(request, "请选择本家站点的代表。")
        return _back(day)
    _run(request, lambda: services.shift_assign(actor=request.user, day=day, deputy=deputy,
                                                note=request.POST.get("note", "")), f"已安排{deputy.name}代表值班。")  # fmt: skip
    return _back(day)


@require_POST
@staff_required("reception.manage")
def shift_mark(request, pk: int):
    shift = get_scoped_or_404(DutyShift.objects.select_related("day__station", "deputy"), request.user, pk=pk)
    form = ShiftMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择值班状态。")
        return _back(shift.day)
    substitute = _deputy(request, shift.day, form.cleaned_data.get("substitute"))
    status = form.cleaned_data["status"]
    label = ShiftStatus(status).label
    _run(request, lambda: services.shift_mark(actor=request.user, shift=shift, status=status, substitute=substitute,
                                              note=form.cleaned_data.get("note", "")),
         f"{shift.deputy.name}代表：{label}。")  # fmt: skip
    return _back(shift.day)


@require_POST
@staff_required("reception.view")
def shift_leave(request, pk: int):
    """The deputy on the roster asks for leave (with a reason) from the day's page, on a phone."""
    shift = get_scoped_or_404(DutyShift.objects.select_related("day__station", "deputy"), request.user, pk=pk)
    _run(request, lambda: services.shift_request_leave(actor=request.user, shift=shift,
                                                        reason=request.POST.get("reason", "")),
         "已请假，家站点工作人员会安排替班代表。")  # fmt: skip
    return _back(shift.day)


@require_POST
@staff_required("reception.manage")
def shift_remove(request, pk: int):
    shift = get_scoped_or_404(DutyShift.objects.select_related("day__station", "deputy"), request.user, pk=pk)
    _run(request, lambda: services.shift_remove(actor=request.user, shift=shift), f"已将{shift.deputy.name}代表移出值班名单。")
    return _back(shift.day)


@require_POST
@staff_required("reception.manage")
def booking_mark(request, pk: int):
    booking = get_scoped_or_404(Booking.objects.select_related("day__station"), request.user, pk=pk)
    status = request.POST.get("status", "")
    if status not in BookingStatus.values:
        messages.error(request, "预约状态不正确。")
        return _back(booking.day)
    _run(request, lambda: services.booking_mark(actor=request.user, booking=booking, status=status),
         f"预约 {booking.code}：{BookingStatus(status).label}。")  # fmt: skip
    return _back(booking.day)


@staff_required("reception.record")
def visit_new(request, pk: int):
    """Phone-friendly: the deputy on duty or station staff record one visitor and their opinions."""
    day = _day(request, pk)
    if not services.may_record(request.user, day):
        raise PermissionDenied("只有该接待日的值班代表或本家站点工作人员，才能在接待日当天及以后记录来访。")
    bookings = list(day.bookings.filter(status__in=[BookingStatus.BOOKED, BookingStatus.NO_SHOW]).order_by("slot_start"))
    deputies = services.on_duty_deputies(day)
    initial = {}
    booking = None
    if (ref := request.GET.get("booking", "")).isdigit():
        booking = next((b for b in bookings if b.pk == int(ref)), None)
        if booking:
            initial = {"booking": booking.pk, "visitor_name": booking.name, "phone": booking.phone,
                       "summary": booking.topic}  # fmt: skip
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        booking = next((b for b in bookings if b.pk == data.get("booking")), None)
        deputy = None
        if data.get("deputy"):
            deputy = next((d for d in deputies if d.pk == data["deputy"]), None) or _deputy(request, day, data["deputy"])
        elif len(deputies) == 1:
            deputy = deputies[0]
        try:
            visit = services.visit_record(
                actor=request.user, day=day, visitor_name=data["visitor_name"], phone=data["phone"],
                summary=data["summary"], deputy=deputy, booking=booking, opinions=form.opinions(),
                consent=data["consent"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            codes = [link.opinion.tracking_code for link in visit.links.select_related("opinion")]
            text = f"已记录来访，{len(codes)} 条意见已进入民意直通车" + (f"（查询码：{'、'.join(codes)}）" if codes else "")
            messages.success(request, text + "。")
            if request.POST.get("again"):
                return redirect("console:reception_visit_new", pk=day.pk)
            return _back(day)
    ctx = {"day": day, "form": form, "bookings": bookings, "deputies": deputies, "booking": booking,
           "is_deputy": request.user.role == Role.DEPUTY}  # fmt: skip
    return render(request, "reception/visit_form.html", ctx)
