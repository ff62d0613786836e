"""Registry console: permissions (owner / member / outsider), writes through services, lists, history."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from renda.core.models import AuditEvent
from renda.registry import services as reg
from renda.registry.models import (
    Agency,
    Congress,
    Deputy,
    Division,
    Grid,
    Mandate,
    MandateStatus,
    Station,
    StationDeputy,
    StationStaff,
    Term,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"console:{name}", args=args)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def audit_actions(obj) -> list[str]:
    from renda.core.audit import history_for

    return [e.action for e in history_for(obj)]


# entity → (attribute of the county-A object, text of A, text of the county-B object or None)
ENTITIES = {
    "division": ("county_a", "东风区", "向阳区"),
    "congress": ("congress_a", "东风区人民代表大会", "向阳区人民代表大会"),
    "deputy": ("deputy_a", "王𠙶", "李向阳"),
    "station": ("station_a", "长安街道人大代表之家", "建设街道代表联络站"),
    "grid": ("grid_a", "光明社区第一网格", None),
    "agency": ("agency_a", "东风区住房和城乡建设局", "向阳区教育局"),
}
# A "member": someone in county A with a weaker role who may see the record.
MEMBERS = {
    "division": ("station_staff_a", "town_a"),
    "congress": ("deputy_user_a", "congress_a"),
    "deputy": ("station_staff_a", "deputy_a"),
    "station": ("station_staff_a", "station_a"),
    "grid": ("deputy_user_a", "grid_a"),
    "agency": ("handler_a", "agency_a"),
}


@pytest.mark.parametrize("entity", ENTITIES)
class TestPermissions:
    def test_owner_lists_and_opens_own_county_only(self, world, login, entity):
        attr, mine, theirs = ENTITIES[entity]
        client = login(world.staff_a)
        page = client.get(url(f"{entity}_list")).content.decode()
        assert mine in page
        if theirs:
            assert theirs not in page
        obj = getattr(world, attr)
        assert client.get(url(f"{entity}_detail", obj.pk)).status_code == 200
        assert client.get(url(f"{entity}_edit", obj.pk)).status_code == 200
        assert client.get(url(f"{entity}_create")).status_code == 200

    def test_member_sees_but_cannot_manage(self, world, login, entity):
        user_attr, obj_attr = MEMBERS[entity]
        client = login(getattr(world, user_attr))
        obj = getattr(world, obj_attr)
        assert client.get(url(f"{entity}_list")).status_code == 200
        assert client.get(url(f"{entity}_detail", obj.pk)).status_code == 200
        assert client.get(url(f"{entity}_create")).status_code == 403
        assert client.post(url(f"{entity}_toggle", obj.pk), {"active": "0"}).status_code == 403
        obj.refresh_from_db()
        assert obj.is_active
        if entity != "station":  # station staff may edit their own station's profile (tested below)
            assert client.get(url(f"{entity}_edit", obj.pk)).status_code == 403

    def test_outsider_gets_404_and_nobody_403(self, world, login, entity):
        obj = getattr(world, ENTITIES[entity][0])
        outsider = login(world.staff_b)
        for name in ("detail", "edit"):
            assert outsider.get(url(f"{entity}_{name}", obj.pk)).status_code == 404
        assert outsider.post(url(f"{entity}_toggle", obj.pk), {"active": "0"}).status_code == 404
        assert outsider.get(url("history", f"registry.{entity}", obj.pk)).status_code == 404
        nobody = login(world.nobody)
        assert nobody.get(url(f"{entity}_list")).status_code == 403
        assert nobody.get(url(f"{entity}_detail", obj.pk)).status_code == 403

    def test_anonymous_goes_to_login(self, world, client, entity):
        response = client.get(url(f"{entity}_list"))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_deactivate_and_reactivate(self, world, login, entity):
        obj = getattr(world, ENTITIES[entity][0])
        client = login(world.staff_a)
        response = client.post(url(f"{entity}_toggle", obj.pk), {"active": "0"}, follow=True)
        assert "已停用" in messages_of(response)
        obj.refresh_from_db()
        assert not obj.is_active
        client.post(url(f"{entity}_toggle", obj.pk), {"active": "1"})
        obj.refresh_from_db()
        assert obj.is_active
        actions = audit_actions(obj)
        assert actions[:2] == [f"registry.{entity}.activate", f"registry.{entity}.deactivate"]

    def test_toggle_needs_post(self, world, login, entity):
        obj = getattr(world, ENTITIES[entity][0])
        assert login(world.staff_a).get(url(f"{entity}_toggle", obj.pk)).status_code == 405


class TestCreate:
    def test_division(self, world, login):
        data = {"parent": world.village_a.parent_id, "code": "990102001002", "name": "幸福社区", "level": "village"}
        response = login(world.staff_a).post(url("division_create"), data)
        division = Division.objects.get(code="990102001002")
        assert response.status_code == 302 and response["Location"] == url("division_detail", division.pk)
        assert audit_actions(division) == ["registry.division.create"]

    def test_division_bad_code_shows_service_error(self, world, login):
        data = {"parent": world.town_a.pk, "code": "12ab", "name": "x", "level": "village"}
        response = login(world.staff_a).post(url("division_create"), data)
        assert response.status_code == 200
        assert "格式不正确" in response.content.decode()
        assert not Division.objects.filter(name="x").exists()

    def test_congress_and_term(self, world, login):
        client = login(world.staff_a)
        data = {"name": "长安街道人大工委", "level": "township", "division": world.town_a.pk}
        client.post(url("congress_create"), data)
        congress = Congress.objects.get(division=world.town_a)
        assert audit_actions(congress) == ["registry.congress.create"]
        response = client.post(url("term_create", congress.pk), {"number": 1, "starts_on": "2022-01-01"})
        assert response.status_code == 302 and congress.terms.count() == 1
        response = client.post(url("term_create", congress.pk), {"number": 1, "starts_on": "2023-01-01"})
        assert "已存在" in response.content.decode() and congress.terms.count() == 1
        response = client.post(
            url("term_create", congress.pk), {"number": 2, "starts_on": "2023-01-01", "ends_on": "2020-01-01"}
        )
        assert "不能早于" in response.content.decode() and congress.terms.count() == 1

    def test_deputy_with_first_mandate_and_photo(self, world, login):
        term = Term.objects.get(congress=world.congress_a)
        buf = BytesIO()
        Image.new("RGB", (30, 40), "blue").save(buf, format="PNG")
        data = {
            "name": "张新",
            "gender": "M",
            "ethnicity": "汉族",
            "phone": "13800001234",
            "term": term.pk,
            "started_on": "2022-01-01",
            "constituency": "第五选区",
            "photo": SimpleUploadedFile("me.png", buf.getvalue(), content_type="image/png"),
        }
        response = login(world.staff_a).post(url("deputy_create"), data)
        deputy = Deputy.objects.get(name="张新")
        assert response["Location"] == url("deputy_detail", deputy.pk)
        assert deputy.photo.name.endswith(".jpg")
        assert deputy.mandates.get().constituency == "第五选区"
        assert audit_actions(deputy) == ["registry.deputy.create"]

    def test_deputy_bad_input_writes_nothing(self, world, login):
        term = Term.objects.get(congress=world.congress_a)
        before = (Deputy.objects.count(), Mandate.objects.count(), AuditEvent.objects.count())
        base = {
            "name": "张新",
            "gender": "M",
            "ethnicity": "汉族",
            "term": term.pk,
            "started_on": "2022-01-01",
            "delegation": "东风区代表团",
        }
        client = login(world.staff_a)
        cases = [
            ({**base, "name": ""}, "这个字段是必填项"),
            ({**base, "delegation": ""}, "请填写选区或代表团"),
            ({**base, "id_number": "12345"}, "18 位"),
            ({**base, "id_number": "990102198001011234"}, "已登记"),
            (
                {**base, "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")},
                "不是有效的图片",
            ),
            ({**base, "term": Term.objects.get(congress=world.congress_b).pk}, "选择一个有效的选项"),
        ]
        for data, message in cases:
            response = client.post(url("deputy_create"), data)
            assert response.status_code == 200
            assert message in response.content.decode(), message
        assert (Deputy.objects.count(), Mandate.objects.count(), AuditEvent.objects.count()) == before

    def test_station(self, world, login):
        data = {
            "code": "ST100",
            "name": "光明社区联系点",
            "kind": "point",
            "division": world.village_a.pk,
            "address": "光明路 2 号",
        }
        response = login(world.staff_a).post(url("station_create"), data)
        station = Station.objects.get(code="ST100")
        assert response["Location"] == url("station_detail", station.pk)
        assert station.checklist.count() == 6
        assert audit_actions(station) == ["registry.station.create"]

    def test_station_required_fields_in_chinese(self, world, login):
        response = login(world.staff_a).post(url("station_create"), {"kind": "point"})
        assert "这个字段是必填项" in response.content.decode()
        assert Station.objects.count() == 2

    def test_grid(self, world, login):
        data = {"code": "G100", "name": "光明社区第二网格", "division": world.village_a.pk}
        login(world.staff_a).post(url("grid_create"), data)
        assert audit_actions(Grid.objects.get(code="G100")) == ["registry.grid.create"]

    def test_grid_must_be_in_a_village(self, world, login):
        data = {"code": "G101", "name": "x", "division": world.town_a.pk}
        response = login(world.staff_a).post(url("grid_create"), data)
        assert "选择一个有效的选项" in response.content.decode()
        assert not Grid.objects.filter(code="G101").exists()

    def test_agency(self, world, login):
        data = {"code": "AG100", "name": "东风区民政局", "kind": "department", "congress": world.congress_a.pk}
        login(world.staff_a).post(url("agency_create"), data)
        assert audit_actions(Agency.objects.get(code="AG100")) == ["registry.agency.create"]


class TestTerritory:
    """County-A staff cannot create records in county B: the choices are limited AND the view re-checks."""

    def test_station_in_other_county_refused(self, world, login):
        data = {"code": "ST200", "name": "越界站", "kind": "point", "division": world.town_b.pk, "address": "x"}
        response = login(world.staff_a).post(url("station_create"), data)
        assert response.status_code == 200
        assert "选择一个有效的选项" in response.content.decode()
        assert not Station.objects.filter(code="ST200").exists()

    def test_view_rechecks_even_if_choices_leak(self, world, login, monkeypatch):
        from renda.registry import forms

        monkeypatch.setattr(forms, "scoped_divisions", lambda user, *levels: Division.objects.all())
        data = {"code": "ST200", "name": "越界站", "kind": "point", "division": world.town_b.pk, "address": "x"}
        response = login(world.staff_a).post(url("station_create"), data)
        assert "不在您的管辖范围内" in response.content.decode()
        assert not Station.objects.filter(code="ST200").exists()

    def test_agency_for_other_congress_refused(self, world, login):
        data = {"code": "AG200", "name": "x", "kind": "department", "congress": world.congress_b.pk}
        login(world.staff_a).post(url("agency_create"), data)
        assert not Agency.objects.filter(code="AG200").exists()

    def test_division_under_other_county_refused(self, world, login):
        data = {"parent": world.town_b.pk, "code": "990103001009", "name": "x", "level": "village"}
        login(world.staff_a).post(url("division_create"), data)
        assert not Division.objects.filter(code="990103001009").exists()


class TestEditAndHistory:
    def test_edit_station_then_history_shows_before_after(self, world, login):
        client = login(world.staff_a)
        form = client.get(url("station_edit", world.station_a.pk)).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
        data.update(name="长安街道代表之家（新）", division=world.town_a.pk)
        response = client.post(url("station_edit", world.station_a.pk), data)
        assert response.status_code == 302
        assert audit_actions(world.station_a)[0] == "registry.station.update"
        page = client.get(url("history", "registry.station", world.station_a.pk)).content.decode()
        assert "长安街道人大代表之家" in page and "长安街道代表之家（新）" in page
        assert "修改前" in page and "修改" in page

    def test_edit_division_cannot_change_code(self, world, login):
        client = login(world.staff_a)
        client.post(url("division_edit", world.town_a.pk), {"name": "长安路街道", "code": "999999"})
        world.town_a.refresh_from_db()
        assert world.town_a.name == "长安路街道" and world.town_a.code == "990102001"

    def test_deputy_edit_masks_nothing_in_audit(self, world, login):
        client = login(world.staff_a)
        form = client.get(url("deputy_edit", world.deputy_a.pk)).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, "") and k != "photo"}
        data["phone"] = "13711112222"
        assert client.post(url("deputy_edit", world.deputy_a.pk), data).status_code == 302
        world.deputy_a.refresh_from_db()
        assert world.deputy_a.phone == "13711112222"
        page = client.get(url("history", "registry.deputy", world.deputy_a.pk)).content.decode()
        assert "13711112222" not in page and "内容保密" in page

    def test_history_permissions(self, world, login):
        station_hist = url("history", "registry.station", world.station_a.pk)
        deputy_hist = url("history", "registry.deputy", world.deputy_a.pk)
        assert login(world.station_staff_a).get(station_hist).status_code == 200  # scope owner
        assert login(world.station_staff_a).get(deputy_hist).status_code == 403  # sees it, may not audit it
        assert login(world.deputy_user_a).get(deputy_hist).status_code == 200  # own record
        assert login(world.staff_b).get(station_hist).status_code == 404
        assert login(world.nobody).get(station_hist).status_code == 403
        client = login(world.admin)
        assert client.get(url("history", "nosuch.model", 1)).status_code == 404
        assert client.get(url("history", "registry", 1)).status_code == 404

    def test_history_includes_dependent_rows(self, world, login):
        reg.station_staff_add(actor=world.staff_a, station=world.station_a, role="leader", name="张站长")
        page = login(world.staff_a).get(url("history", "registry.station", world.station_a.pk)).content.decode()
        assert "张站长" in page


class TestDeputyDetail:
    def test_personal_data_masked_for_member(self, world, login):
        page = login(world.station_staff_a).get(url("deputy_detail", world.deputy_a.pk)).content.decode()
        assert "13900001111" not in page and "139****1111" in page
        assert "990102198001011234" not in page

    def test_personal_data_shown_to_staff(self, world, login):
        page = login(world.staff_a).get(url("deputy_detail", world.deputy_a.pk)).content.decode()
        assert "13900001111" in page and "990102198001011234" in page

    def test_ended_mandates_stay_as_history(self, world, login):
        mandate = world.deputy_a.mandates.get(congress=world.congress_a)
        reg.mandate_change_status(actor=None, mandate=mandate, status=MandateStatus.ENDED, reason="届满")
        page = login(world.staff_a).get(url("deputy_detail", world.deputy_a.pk)).content.decode()
        assert "届满" in page and "东风区人民代表大会" in page


class TestMandates:
    def test_add_mandate_in_scope(self, world, login):
        term = reg.term_create(actor=None, congress=world.congress_a, number=18, starts_on=datetime.date(2027, 1, 1))
        data = {"term": term.pk, "started_on": "2027-01-01", "constituency": "第二选区"}
        response = login(world.staff_a).post(url("mandate_create", world.deputy_a.pk), data)
        assert response.status_code == 302
        assert world.deputy_a.mandates.filter(term=term).exists()

    def test_add_mandate_needs_constituency_or_delegation_and_scope(self, world, login):
        term = reg.term_create(actor=None, congress=world.congress_a, number=18, starts_on=datetime.date(2027, 1, 1))
        client = login(world.staff_a)
        response = client.post(url("mandate_create", world.deputy_a.pk), {"term": term.pk, "started_on": "2027-01-01"})
        assert "请填写选区或代表团" in response.content.decode()
        city_term = Term.objects.get(congress=world.city_congress)
        data = {"term": city_term.pk, "started_on": "2027-01-01", "delegation": "x"}
        assert client.post(url("mandate_create", world.deputy_b.pk), data).status_code == 404  # deputy_b is county B
        response = client.post(url("mandate_create", world.deputy_a.pk), data)
        assert "选择一个有效的选项" in response.content.decode()
        assert world.deputy_a.mandates.count() == 2

    def test_duplicate_mandate_shows_service_error(self, world, login):
        term = Term.objects.get(congress=world.congress_a)
        data = {"term": term.pk, "started_on": "2022-01-01", "constituency": "x"}
        response = login(world.staff_a).post(url("mandate_create", world.deputy_a.pk), data)
        assert "已有代表资格" in response.content.decode()

    def test_status_change_and_illegal_transition(self, world, login):
        mandate = world.deputy_a.mandates.get(congress=world.congress_a)
        client = login(world.staff_a)
        response = client.post(url("mandate_status", mandate.pk), {"status": "terminated"})
        assert "请填写终止原因" in response.content.decode()
        response = client.post(url("mandate_status", mandate.pk), {"status": "terminated", "reason": "辞职"})
        assert response.status_code == 302
        mandate.refresh_from_db()
        assert mandate.status == MandateStatus.TERMINATED and mandate.end_reason == "辞职"
        response = client.post(url("mandate_status", mandate.pk), {"status": "active"})
        assert "不能改为" in response.content.decode()
        mandate.refresh_from_db()
        assert mandate.status == MandateStatus.TERMINATED

    def test_city_mandate_is_outside_county_staff_scope(self, world, login):
        city_mandate = world.deputy_a.mandates.get(congress=world.city_congress)
        assert login(world.staff_a).get(url("mandate_status", city_mandate.pk)).status_code == 404
        assert login(world.station_staff_a).get(url("mandate_create", world.deputy_a.pk)).status_code == 403


class TestAssignment:
    def test_station_remove_and_add_by_name_or_number(self, world, login):
        client = login(world.staff_a)
        station = world.station_a
        response = client.post(url("station_deputy_add", station.pk), {"deputy": world.deputy_a.number}, follow=True)
        assert "已在家站点" in messages_of(response)
        client.post(url("station_deputy_remove", station.pk, world.deputy_a.pk))
        assert not StationDeputy.objects.filter(station=station, left_on=None).exists()
        response = client.post(url("station_deputy_add", station.pk), {"deputy": "王𠙶"}, follow=True)
        assert "已进站" in messages_of(response)
        assert StationDeputy.objects.filter(station=station, deputy=world.deputy_a, left_on=None).exists()
        assert StationDeputy.objects.filter(station=station, deputy=world.deputy_a).count() == 2  # history kept

    def test_cannot_assign_deputy_outside_scope(self, world, login):
        response = login(world.staff_a).post(
            url("station_deputy_add", world.station_a.pk), {"deputy": world.deputy_b.number}, follow=True
        )
        assert "没有找到" in messages_of(response)
        assert not StationDeputy.objects.filter(station=world.station_a, deputy=world.deputy_b).exists()

    def test_assignment_permissions(self, world, login):
        data = {"deputy": world.deputy_a.number}
        assert login(world.station_staff_a).post(url("station_deputy_add", world.station_a.pk), data).status_code == 403
        assert login(world.staff_b).post(url("station_deputy_add", world.station_a.pk), data).status_code == 404
        assert login(world.staff_b).post(url("grid_deputy_add", world.grid_a.pk), data).status_code == 404
        assert login(world.nobody).post(url("grid_deputy_add", world.grid_a.pk), data).status_code == 403

    def test_grid_add_and_remove(self, world, login):
        client = login(world.staff_a)
        client.post(url("grid_deputy_remove", world.grid_a.pk, world.deputy_a.pk))
        assert not world.grid_a.memberships.filter(left_on=None).exists()
        response = client.post(url("grid_deputy_add", world.grid_a.pk), {"deputy": world.deputy_a.number}, follow=True)
        assert "已进网格" in messages_of(response)
        response = client.post(url("grid_deputy_add", world.grid_a.pk), {"deputy": ""}, follow=True)
        assert "必填" in messages_of(response)


class TestStationOwnStaff:
    def test_station_staff_edits_only_profile_fields(self, world, login):
        client = login(world.station_staff_a)
        form = client.get(url("station_edit", world.station_a.pk)).context["form"]
        assert set(form.fields) == {"opening_hours", "contact_phone", "description"}
        data = {"opening_hours": "周一至周五 9:00-17:00", "contact_phone": "0454-1234567", "name": "改名"}
        assert client.post(url("station_edit", world.station_a.pk), data).status_code == 302
        world.station_a.refresh_from_db()
        assert world.station_a.opening_hours == "周一至周五 9:00-17:00"
        assert world.station_a.name == "长安街道人大代表之家"
        assert client.get(url("station_edit", world.station_b.pk)).status_code == 404

    def test_station_staff_and_checklist(self, world, login):
        client = login(world.station_staff_a)
        station = world.station_a
        client.post(url("station_staff_add", station.pk), {"role": "leader", "name": "张站长"})
        response = client.post(url("station_staff_add", station.pk), {"role": "leader", "name": "李站长"}, follow=True)
        assert "只能有一名组长" in messages_of(response)
        staff = StationStaff.objects.get(station=station)
        client.post(url("station_staff_remove", station.pk, staff.pk))
        assert not StationStaff.objects.filter(station=station).exists()
        evidence = SimpleUploadedFile("制度.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
        data = {"item": "rules", "met": "on", "evidence": "制度已上墙", "evidence_file": evidence}
        response = client.post(url("station_checklist", station.pk), data, follow=True)
        row = station.checklist.get(item="rules")
        assert row.met and row.evidence == "制度已上墙" and row.evidence_file.name.endswith(".pdf")
        assert "已达标 1 / 6" in response.content.decode()
        evidence_url = url("station_evidence", station.pk, "rules")
        assert evidence_url in response.content.decode()
        got = client.get(evidence_url)  # the station's own staff
        assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 ..."
        assert login(world.staff_a).get(evidence_url).status_code == 200  # the county's staff
        assert login(world.staff_b).get(evidence_url).status_code == 404  # another county
        assert login(world.staff_a).get(url("station_evidence", station.pk, "space")).status_code == 404  # none
        client = login(world.station_staff_a)
        response = client.post(url("station_checklist", station.pk), {"item": "nonsense", "met": "on"}, follow=True)
        assert "有效的选项" in messages_of(response)

    def test_other_station_staff_cannot_touch(self, world, login):
        from tests.conftest import make_user

        other = make_user("station_b_staff", "station_staff", station=world.station_b)
        client = login(other)
        assert (
            client.post(url("station_staff_add", world.station_a.pk), {"role": "liaison", "name": "x"}).status_code
            == 404
        )
        assert client.post(url("station_checklist", world.station_a.pk), {"item": "place"}).status_code == 404
        # a deputy sees the station but may not edit it
        deputy = login(world.deputy_user_a)
        assert deputy.post(url("station_checklist", world.station_a.pk), {"item": "place"}).status_code == 403
        assert deputy.get(url("station_edit", world.station_a.pk)).status_code == 403


class TestExport:
    def test_deputy_export_is_scoped_and_filtered(self, world, login):
        response = login(world.staff_a).get(url("deputy_list") + "?format=xlsx")
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert rows[0][:2] == ("代表编号", "姓名")
        assert [r[1] for r in rows[1:]] == ["王𠙶"]
        assert "13900001111" in rows[1]
        response = login(world.staff_a).get(url("deputy_list") + "?q=没有这个人&format=xlsx")
        assert len(list(load_workbook(BytesIO(response.content)).active.values)) == 1

    def test_member_export_masks_phone(self, world, login):
        response = login(world.station_staff_a).get(url("deputy_list") + "?format=xlsx")
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert "139****1111" in rows[1] and "13900001111" not in rows[1]

    @pytest.mark.parametrize("entity", ENTITIES)
    def test_every_list_exports(self, world, login, entity):
        attr, mine, theirs = ENTITIES[entity]
        response = login(world.staff_a).get(url(f"{entity}_list") + "?format=xlsx")
        values = [v for row in load_workbook(BytesIO(response.content)).active.values for v in row]
        assert mine in values and (theirs is None or theirs not in values)


class TestLists:
    def test_filters_and_empty_state(self, world, login):
        client = login(world.staff_a)
        page = client.get(url("station_list") + "?kind=point").content.decode()
        assert "没有符合条件的家站点" in page and "导出 Excel" in page
        page = client.get(url("deputy_list") + f"?station={world.station_a.pk}&level=county").content.decode()
        assert "王𠙶" in page
        page = client.get(url("division_list") + "?level=township").content.decode()
        assert "长安街道" in page and "东风区</a>" not in page

    def test_pagination_keeps_filters(self, world, login, settings):
        settings.RENDA_PAGE_SIZE = 2
        for n in range(3):
            reg.station_create(
                actor=None, code=f"SX{n}", name=f"测试站{n}", kind="point", division=world.town_a, address="x"
            )
        page = login(world.staff_a).get(url("station_list") + "?kind=point&q=测试").content.decode()
        assert "kind=point" in page and "page=2" in page


def _grow(world, n: int, prefix: str):
    term = Term.objects.get(congress=world.congress_a)
    for i in range(n):
        deputy = reg.deputy_create(actor=None, name=f"{prefix}代表{i}", gender="M", phone=f"1380000{i:04d}")
        reg.mandate_create(actor=None, deputy=deputy, term=term, started_on=datetime.date(2022, 1, 1), constituency="x")
        station = reg.station_create(
            actor=None, code=f"{prefix}{i:03d}", name=f"站{prefix}{i}", kind="point", division=world.town_a, address="x"
        )
        reg.station_assign_deputy(actor=None, station=station, deputy=deputy)
        reg.grid_assign_deputy(actor=None, grid=world.grid_a, deputy=deputy)


@pytest.mark.parametrize("name", ["deputy_list", "station_list"])
def test_list_query_count_is_constant(world, login, settings, name, django_assert_max_num_queries):
    settings.RENDA_PAGE_SIZE = 50
    client = login(world.staff_a)
    _grow(world, 4, "Q")  # 5 rows
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url(name)).context["rows"]) == 5
    queries = len(small.captured_queries)  # read now: each request resets the connection's query log
    _grow(world, 25, "R")  # 30 rows
    with django_assert_max_num_queries(queries):
        response = client.get(url(name))
    assert len(response.context["rows"]) == 30


class TestNavAndHome:
    def test_home_counts_and_nav(self, world, login):
        page = login(world.staff_a).get(url("home")).content.decode()
        assert "在册代表" in page and "行政区划" in page and "承办单位" in page

    def test_nav_follows_role(self, world, login):
        page = login(world.station_staff_a).get(url("station_list")).content.decode()
        assert 'href="/console/stations/" class="active"' in page
        assert "/console/divisions/" not in page and "/console/agencies/" not in page
        page = login(world.handler_a).get(url("home")).content.decode()
        assert "/console/agencies/" in page and "/console/deputies/" not in page
