import pytest
from django.urls import reverse

from renda.handling import services as hs
from renda.handling.models import CaseState
from renda.similar.models import Hotspot, ProposalStatus, VisitProposal

from .helpers import submit

pytestmark = pytest.mark.django_db


def detail(op):
    return reverse("console:opinion_detail", args=[op.pk])


def test_opinion_page_shows_similar_items_and_merges_in_one_click(world, login):
    target = submit(world, n=1)
    dup = submit(world, n=2)
    client = login(world.staff_a)
    page = client.get(detail(dup)).content.decode()
    assert "相似意见" in page and "合并到此件" in page and target.tracking_code in page
    response = client.post(
        reverse("console:opinion_act", args=[dup.pk, "merge"]),
        {"version": dup.case.version, "code": target.tracking_code},
    )
    assert response.status_code == 302
    dup.case.refresh_from_db()
    assert dup.case.state == CaseState.MERGED and dup.case.merged_into_id == target.case_id
    # Once merged, the target's page no longer offers it, and there is nothing to merge from.
    page = client.get(detail(target)).content.decode()
    assert "合并到此件" not in page


def test_merge_button_only_while_the_case_is_at_the_front(world, login):
    submit(world, n=1)
    dup = submit(world, n=2)
    hs.case_accept(actor=world.staff_a, case=dup.case)
    hs.case_assign(actor=world.staff_a, case=dup.case, lead=world.agency_a)
    page = login(world.staff_a).get(detail(dup)).content.decode()
    assert "相似意见" in page and "合并到此件" not in page


def test_station_staff_member_sees_the_panel_outsider_cannot_open_the_opinion(world, login, client):
    submit(world, n=1)
    dup = submit(world, n=2)
    assert "相似意见" in login(world.station_staff_a).get(detail(dup)).content.decode()
    assert login(world.staff_b).get(detail(dup)).status_code == 404
    assert "相似意见" not in login(world.handler_a).get(detail(dup)).content.decode()


def test_triage_list_marks_possible_duplicates(world, login):
    first = submit(world, n=1)
    dup = submit(world, n=2)
    for op in (first, dup):
        hs.case_forward(actor=world.staff_a, case=op.case)
    page = login(world.staff_a).get(reverse("console:triage")).content.decode()
    assert page.count("可能重复 1") == 1


def hotspot(world):
    for n in range(4):
        submit(world, n=n)
    return Hotspot.objects.get()


def test_hotspot_pages_owner_member_outsider(world, login):
    h = hotspot(world)
    url = reverse("console:similar_hotspot_detail", args=[h.pk])
    owner = login(world.staff_a).get(url)
    assert owner.status_code == 200 and "重点约访" in owner.content.decode() and "采纳" in owner.content.decode()
    member = login(world.station_staff_a).get(url).content.decode()
    assert h.title in member and "采纳" not in member
    assert login(world.staff_b).get(url).status_code == 404
    assert login(world.handler_a).get(url).status_code == 403
    listed = login(world.staff_b).get(reverse("console:similar_hotspot_list")).content.decode()
    assert "暂未发现热点问题" in listed


def test_hotspot_list_is_filterable_exportable_and_bounded_in_queries(world, login, django_assert_max_num_queries):
    h = hotspot(world)
    client = login(world.staff_a)
    url = reverse("console:similar_hotspot_list")
    with django_assert_max_num_queries(12):
        page = client.get(url, {"county": world.county_a.pk, "period": "7"}).content.decode()
    assert h.title in page
    assert "暂未发现" in login(world.admin).get(url, {"county": world.county_b.pk}).content.decode()
    client = login(world.staff_a)
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("console:similar_proposal_list")).content.decode()
    assert world.station_a.name in page


def test_accept_and_dismiss_through_the_console(world, login):
    h = hotspot(world)
    proposal = VisitProposal.objects.get()
    url = reverse("console:similar_proposal_decide", args=[proposal.pk, "accept"])
    assert login(world.station_staff_a).post(url).status_code == 403
    assert login(world.staff_b).post(url).status_code == 404
    assert login(world.staff_a).post(url, {"note": "周三约访"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.note == "周三约访"
    response = login(world.staff_a).post(reverse("console:similar_hotspot_close", args=[h.pk]), follow=True)
    assert "已关闭该热点" in response.content.decode()


def test_hotspot_page_shows_a_map_where_the_place_has_coordinates(world, login):
    h = hotspot(world)
    url = reverse("console:similar_hotspot_detail", args=[h.pk])
    assert 'id="station-map"' not in login(world.staff_a).get(url).content.decode()
    world.village_a.latitude, world.village_a.longitude = 45.1, 125.2
    world.village_a.save(update_fields=["latitude", "longitude"])
    page = login(world.staff_a).get(url).content.decode()
    assert 'id="station-map"' in page and 'data-lat="45.100000"' in page and "leaflet.js" in page
