"""Console pages: hotspots (ranked, filterable, xlsx), one hotspot, 重点约访 proposals."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from renda.core.access import get_scoped_or_404, has_perm, restrict, staff_required
from renda.core.lists import Column, Filter, ListSpec, field_filter, run_list
from renda.core.maps import map_settings
from renda.registry.models import Division, DivisionLevel
from renda.registry.selectors import subtree_q
from renda.registry.views_base import error_messages
from renda.similar import selectors, services
from renda.similar.models import Hotspot, HotspotStatus, ProposalStatus, VisitProposal

PERIODS = (("7", "近7天"), ("30", "近30天"), ("90", "近90天"), ("365", "近一年"))


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d") if dt else ""


def _county_choices(user):
    def choices():
        qs = restrict(Division.objects.filter(level=DivisionLevel.COUNTY, is_active=True), user).order_by("path")
        return [(d.pk, d.name) for d in qs[:200]]

    return choices


def _in_county(qs, value):
    division = Division.objects.filter(pk=value).first()
    return qs.filter(subtree_q(division.path, prefix="division_")) if division else qs.none()


def _since(qs, value):
    return qs.filter(last_seen__gte=timezone.now() - datetime.timedelta(days=int(value)))


@staff_required("similar.view")
def hotspot_list(request: HttpRequest) -> HttpResponse:
    spec = ListSpec(
        title="热点问题",
        columns=[
            Column("热度", lambda h: h.heat),
            Column("问题", lambda h: h.title, link=True),
            Column("地点", lambda h: h.division.name if h.division else ""),
            Column("意见数", lambda h: h.size),
            Column("关注人数", lambda h: h.supporters),
            Column("近7天", lambda h: h.recent),
            Column("首次出现", lambda h: _local(h.first_seen)),
            Column("最近出现", lambda h: _local(h.last_seen)),
            Column("状态", lambda h: h.get_status_display()),
        ],
        search_fields=["title", "division__name"],
        search_hint="问题或地点",
        filters=[
            Filter("county", "区（县）", _county_choices(request.user), _in_county),
            Filter("period", "时间", PERIODS, _since),
            field_filter("status", "状态", HotspotStatus.choices),
        ],
        export_name="热点问题",
        detail_url="console:similar_hotspot_detail",
        empty_text="暂未发现热点问题（同一地点、同一问题的意见达到 3 件即列入）。",
    )
    result = run_list(request, selectors.hotspots(request.user), spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, "similar/hotspot_list.html", result)


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


@staff_required("similar.view")
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = get_scoped_or_404(
        Hotspot.objects.select_related("division", "congress", "representative"), request.user, pk=pk
    )
    members = list(selectors.hotspot_members(hotspot, request.user)[:200])
    points = [(o.latitude, o.longitude) for o in members if o.latitude is not None and o.longitude is not None]
    center = None
    if points:
        center = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    elif hotspot.division and hotspot.division.latitude is not None:
        center = (hotspot.division.latitude, hotspot.division.longitude)
    counts = selectors.follower_counts(o.pk for o in members)
    for o in members:
        o.follower_count = counts.get(o.pk, 0)
    ctx = {
        "hotspot": hotspot,
        "members": members,
        "representative": next((o for o in members if o.pk == hotspot.representative_id), None),
        "hidden": max(0, hotspot.size - len(members)),
        "proposals": list(selectors.proposals(request.user).filter(hotspot=hotspot)),
        "can_manage": has_perm(request.user, "similar.manage"),
        "center": center,
        "map": map_settings(),
    }
    return render(request, "similar/hotspot_detail.html", ctx)


@require_POST
@staff_required("similar.manage")
def hotspot_close(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = get_scoped_or_404(Hotspot.objects.all(), request.user, pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.hotspot_close(actor=request.user, hotspot=hotspot, note=note)
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    else:
        messages.success(request, "已关闭该热点。")
    return redirect("console:similar_hotspot_detail", pk=hotspot.pk)


@staff_required("similar.view")
def proposal_list(request: HttpRequest) -> HttpResponse:
    spec = ListSpec(
        title="重点约访建议",
        columns=[
            Column("热点问题", lambda p: p.hotspot.title),
            Column("地点", lambda p: p.hotspot.division.name if p.hotspot.division else ""),
            Column("建议家站点", lambda p: p.station.name if p.station else "（未找到就近家站点）"),
            Column("约访代表", lambda p: "、".join(d.name for d in p.deputies.all())),
            Column("原因", lambda p: p.reason),
            Column("提出时间", lambda p: _local(p.created_at)),
            Column("状态", lambda p: p.get_status_display()),
        ],
        search_fields=["hotspot__title", "station__name"],
        search_hint="问题或家站点",
        filters=[field_filter("status", "状态", ProposalStatus.choices)],
        export_name="重点约访建议",
        empty_text="暂无重点约访建议。热点问题近 7 天快速增多时，系统会自动提出。",
    )
    result = run_list(request, selectors.proposals(request.user), spec)
    if isinstance(result, HttpResponse):
        return result
    return render(request, "similar/proposal_list.html", result)


@require_POST
@staff_required("similar.manage")
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    proposal = get_scoped_or_404(VisitProposal.objects.select_related("hotspot"), request.user, pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "accept":
            services.proposal_accept(actor=request.user, proposal=proposal, note=note)
            messages.success(request, "已采纳重点约访建议，请通知家站点安排代表约访。")
        else:
            services.proposal_dismiss(actor=request.user, proposal=proposal, note=note)
            messages.success(request, "已忽略该建议。")
    except ValidationError as exc:
        messages.error(request, error_messages(exc))
    return redirect("console:similar_hotspot_detail", pk=proposal.hotspot_id)
