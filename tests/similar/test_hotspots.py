import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.core.models import Notification
from renda.similar import hotspots, services
from renda.similar.models import Hotspot, HotspotMember, HotspotStatus, ProposalStatus, VisitProposal

from .helpers import OTHER, submit

pytestmark = pytest.mark.django_db


def lamp_cluster(world, count=4):
    return [submit(world, n=n) for n in range(count)]


def test_heat_grows_with_size_supporters_and_recency():
    base = dict(size=5, supporters=0, recent=2, span_days=3, idle_days=0)
    assert hotspots.heat_score(**{**base, "size": 10}) > hotspots.heat_score(**base)
    assert hotspots.heat_score(**{**base, "supporters": 10}) > hotspots.heat_score(**base)
    assert hotspots.heat_score(**{**base, "idle_days": 14}) == pytest.approx(hotspots.heat_score(**base) / 2, 0.01)


def test_repeated_reports_form_a_rising_hotspot_with_a_visit_proposal_and_a_notice(world):
    ops = lamp_cluster(world)
    submit(world, OTHER)
    hotspot = Hotspot.objects.get()
    assert hotspot.size == 4 and hotspot.recent == 4
    assert set(HotspotMember.objects.values_list("opinion_id", flat=True)) == {o.pk for o in ops}
    assert hotspot.congress == world.congress_a and hotspot.division == world.village_a
    assert hotspot.status == HotspotStatus.VISIT_PROPOSED and hotspot.heat > 0
    proposal = VisitProposal.objects.get()
    assert proposal.station == world.station_a
    assert list(proposal.deputies.all()) == [world.deputy_a]
    notice = Notification.objects.get(user=world.staff_a, title="热点问题上升")
    assert "重点约访" in notice.body and str(hotspot.pk) in notice.url
    assert not Notification.objects.filter(user=world.staff_b, title="热点问题上升").exists()
    # A fifth report joins; no second proposal or notice.
    submit(world, n=9)
    hotspot.refresh_from_db()
    assert hotspot.size == 5 and VisitProposal.objects.count() == 1
    assert Notification.objects.filter(title="热点问题上升").count() == 1


def test_two_reports_stay_below_the_listing_size_and_do_not_rise(world):
    lamp_cluster(world, 2)
    hotspot = Hotspot.objects.get()
    assert hotspot.size == 2 and hotspot.status == HotspotStatus.NEW
    assert not VisitProposal.objects.exists()


def test_the_same_text_in_another_township_is_another_place(world):
    submit(world, n=1)
    submit(world, n=2, division=world.town_b, station=world.station_b)
    assert not Hotspot.objects.exists()


def test_old_reports_do_not_make_a_hotspot_rise(world):
    ops = lamp_cluster(world, 3)
    hotspot = Hotspot.objects.get()
    assert hotspot.status == HotspotStatus.VISIT_PROPOSED
    later = timezone.now() + datetime.timedelta(days=10)
    hotspots.tick(later)
    hotspot.refresh_from_db()
    assert hotspot.recent == 0 and hotspot.heat < 40 and hotspot.size == len(ops)


def test_accept_and_dismiss_follow_the_transition_table(world):
    lamp_cluster(world)
    proposal = VisitProposal.objects.get()
    with pytest.raises(ValidationError):
        services.proposal_accept(actor=world.station_staff_a, proposal=proposal)
    with pytest.raises(ValidationError, match="理由"):
        services.proposal_dismiss(actor=world.staff_a, proposal=proposal, note=" ")
    services.proposal_accept(actor=world.staff_a, proposal=proposal, note="下周三约访")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by == world.staff_a
    assert proposal.hotspot.status == HotspotStatus.VISITED
    with pytest.raises(ValidationError, match="已采纳"):
        services.proposal_dismiss(actor=world.staff_a, proposal=proposal, note="x")
    services.hotspot_close(actor=world.staff_a, hotspot=proposal.hotspot)
    with pytest.raises(ValidationError, match="不能从"):
        services.hotspot_close(actor=world.staff_a, hotspot=proposal.hotspot)


def test_dismissed_proposal_leaves_the_hotspot_rising_without_a_new_proposal(world):
    lamp_cluster(world)
    proposal = VisitProposal.objects.get()
    services.proposal_dismiss(actor=world.staff_a, proposal=proposal, note="已在处理")
    submit(world, n=8)
    assert Hotspot.objects.get().status == HotspotStatus.RISING
    assert VisitProposal.objects.count() == 1


def test_rebuild_finds_the_same_clusters_as_the_intake_hook(world):
    ops = lamp_cluster(world)
    submit(world, OTHER)
    Hotspot.objects.all().delete()
    counts = hotspots.rebuild(notify=False)
    assert counts == {"hotspots": 1, "members": 4}
    hotspot = Hotspot.objects.get()
    assert set(HotspotMember.objects.values_list("opinion_id", flat=True)) == {o.pk for o in ops}
    assert hotspot.size == 4


def test_rebuild_keeps_hotspots_that_have_proposals(world):
    lamp_cluster(world)
    kept = Hotspot.objects.get()
    hotspots.rebuild(notify=False)
    assert list(Hotspot.objects.all()) == [kept]
