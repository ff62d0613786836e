"""Citizen pages of 选民接待日: the announced calendar, booking with an SMS code, the booking's own page."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from renda.core import ratelimit
from renda.core.masking import mask_phone
from renda.opinions import verification
from renda.opinions.views_public import too_many
from renda.reception import selectors, services
from renda.reception.forms import BookingForm, CitizenCancelForm
from renda.reception.models import Booking, BookingStatus, ReceptionDay
from renda.registry.models import Station
from renda.registry.views_base import apply_errors

PAGE_SIZE = 20


@require_GET
def calendar(request):
    """Upcoming reception days within their announcement window, by station (``?station=<code>``) or search."""
    qs = selectors.public_days()
    station = None
    code = request.GET.get("station", "").strip()[:32]
    if code:
        station = Station.objects.filter(code=code, is_active=True).first()
        qs = qs.filter(station=station) if station else qs.none()
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(station__name__icontains=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    days = list(page.object_list)
    counts = _booked_by_day(days)
    rows = [(d, max(len(d.slots()) * d.slot_capacity - counts.get(d.pk, 0), 0)) for d in days]
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(request, "reception/public/calendar.html", {
        "rows": rows, "page": page, "station": station, "q": q, "code": code, "querystring": keep.urlencode(),
    })  # fmt: skip


def _booked_by_day(days: list[ReceptionDay]) -> dict[int, int]:
    from django.db.models import Count

    rows = (
        Booking.objects.filter(day__in=days)
        .exclude(status=BookingStatus.CANCELLED)
        .values("day_id")
        .annotate(n=Count("pk"))
    )
    return {r["day_id"]: r["n"] for r in rows}


def _public_day(pk: int) -> ReceptionDay:
    day = selectors.public_days().filter(pk=pk).first()
    if day is None:
        raise Http404("该接待日不存在、尚未公告或已结束。")
    return day


@require_http_methods(["GET", "POST"])
def book(request, pk: int):
    day = _public_day(pk)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ip = ratelimit.client_ip(request)
        if ip and not ratelimit.allow("reception-book-ip", ip, settings.RENDA_OPINION_RATE_IP):
            return too_many(request, "预约过于频繁，请稍后再试。")
        data = form.cleaned_data
        try:
            checked = verification.phone_code_check(phone=data["phone"], code=data["sms_code"])
            booking = services.booking_create(
                day=day, slot_start=data["slot"], name=data["name"], phone=checked.phone, phone_verified=True,
                topic=data["topic"], client_ip=ip,
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verification.phone_verification_use(checked)
            return redirect("public:reception_booking", booking.code)
    slots = services.open_slots(day)
    chosen = form["slot"].value() or ""
    return render(request, "reception/public/book.html", {"day": day, "form": form, "slots": slots, "chosen": chosen})


def _booking(request, code: str) -> Booking:
    ip = ratelimit.client_ip(request) or "-"
    if not ratelimit.allow("reception-code-ip", ip, settings.RENDA_TRACK_RATE_IP):
        raise ratelimit.RateLimited("查询过于频繁，请稍后再试。")
    code = "".join(ch for ch in code.upper() if ch.isalnum())[:12]
    booking = Booking.objects.select_related("day__station").filter(code=code).first()
    if booking is None:
        raise Http404("没有找到该预约，请核对预约码。")
    return booking


def _booking_page(request, booking: Booking, form=None, status: int = 200):
    day = booking.day
    now = timezone.localtime()
    starts = timezone.make_aware(datetime.datetime.combine(day.date, booking.slot_start))
    response = render(request, "reception/public/booking.html", {
        "booking": booking, "day": day, "masked_phone": mask_phone(booking.phone),
        "masked_name": booking.name[:1] + "*" * max(len(booking.name) - 1, 1),
        "can_cancel": booking.status == BookingStatus.BOOKED and starts > now,
        "form": form or CitizenCancelForm(),
    }, status=status)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def booking(request, code: str):
    try:
        found = _booking(request, code)
    except ratelimit.RateLimited as exc:
        return too_many(request, exc.message)
    return _booking_page(request, found)


@require_POST
def booking_cancel(request, code: str):
    try:
        found = _booking(request, code)
    except ratelimit.RateLimited as exc:
        return too_many(request, exc.message)
    form = CitizenCancelForm(request.POST)
    if form.is_valid():
        try:
            services.booking_cancel_by_citizen(booking=found, phone=form.cleaned_data["phone"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("public:reception_booking", found.code)
    return _booking_page(request, found, form, status=400)
