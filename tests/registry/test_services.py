import pytest
from django.core.exceptions import ValidationError

from renda.core.audit import history_for
from renda.registry import services as reg
from renda.registry.models import DivisionLevel, MandateStatus, StaffRole


@pytest.mark.django_db
class TestDivisions:
    def test_bad_code_is_refused_in_chinese(self, world):
        with pytest.raises(ValidationError, match="格式不正确"):
            reg.division_create(
                actor=world.admin, code="12ab", name="x", level=DivisionLevel.TOWNSHIP, parent=world.county_a
            )

    def test_code_must_match_parent(self, world):
        with pytest.raises(ValidationError, match="不一致"):
            reg.division_create(
                actor=world.admin, code="880102002", name="x", level=DivisionLevel.TOWNSHIP, parent=world.county_a
            )

    def test_duplicate_code(self, world):
        with pytest.raises(ValidationError, match="已存在"):
            reg.division_create(
                actor=world.admin, code="990102", name="x", level=DivisionLevel.COUNTY, parent=world.city
            )

    def test_path_and_history(self, world):
        d = reg.division_create(
            actor=world.admin, code="990102002", name="新华街道", level=DivisionLevel.TOWNSHIP, parent=world.county_a
        )
        assert d.path == "/000000/990000/990100/990102/990102002/"
        reg.division_update(actor=world.admin, division=d, name="新华路街道")
        events = list(history_for(d))
        assert [e.action for e in events] == ["registry.division.update", "registry.division.create"]
        assert events[0].changes == [("名称", "新华街道", "新华路街道")]
        assert events[0].actor == world.admin


@pytest.mark.django_db
class TestDeputies:
    def test_rare_characters_round_trip(self, world):
        world.deputy_a.refresh_from_db()
        assert world.deputy_a.name == "王𠙶"

    def test_duplicate_id_number_refused(self, world):
        with pytest.raises(ValidationError, match="已登记"):
            reg.deputy_create(actor=world.admin, name="重复", gender="M", id_number="990102198001011234")

    def test_mandate_history_kept_and_illegal_move_refused(self, world):
        mandate = world.deputy_a.mandates.first()
        with pytest.raises(ValidationError, match="终止原因"):
            reg.mandate_change_status(actor=world.admin, mandate=mandate, status=MandateStatus.TERMINATED)
        ended = reg.mandate_change_status(
            actor=world.admin, mandate=mandate, status=MandateStatus.TERMINATED, reason="辞职"
        )
        assert ended.ended_on and ended.end_reason == "辞职"
        with pytest.raises(ValidationError, match="不能改为"):
            reg.mandate_change_status(actor=world.admin, mandate=ended, status=MandateStatus.ACTIVE)
        assert world.deputy_a.mandates.count() == 2

    def test_private_data_not_in_audit(self, world):
        reg.deputy_update(actor=world.admin, deputy=world.deputy_a, phone="13711112222")
        event = history_for(world.deputy_a).first()
        assert "13711112222" not in str(event.after)


@pytest.mark.django_db
class TestStations:
    def test_checklist_created_and_staff_limits(self, world):
        assert world.station_a.checklist.count() == 6
        reg.station_staff_add(actor=world.admin, station=world.station_a, role=StaffRole.LEADER, name="张站长")
        with pytest.raises(ValidationError, match="只能有一名"):
            reg.station_staff_add(actor=world.admin, station=world.station_a, role=StaffRole.LEADER, name="另一位")
        for n in range(2):
            reg.station_staff_add(
                actor=world.admin, station=world.station_a, role=StaffRole.DEPUTY_LEADER, name=f"副{n}"
            )
        with pytest.raises(ValidationError, match="最多"):
            reg.station_staff_add(actor=world.admin, station=world.station_a, role=StaffRole.DEPUTY_LEADER, name="副3")

    def test_assign_twice_refused_and_leave_keeps_history(self, world):
        with pytest.raises(ValidationError, match="已在"):
            reg.station_assign_deputy(actor=world.admin, station=world.station_a, deputy=world.deputy_a)
        reg.station_remove_deputy(actor=world.admin, station=world.station_a, deputy=world.deputy_a)
        assert world.station_a.memberships.filter(left_on__isnull=False).count() == 1
        reg.station_assign_deputy(actor=world.admin, station=world.station_a, deputy=world.deputy_a)

    def test_grid_only_under_village(self, world):
        with pytest.raises(ValidationError, match="村（社区）"):
            reg.grid_create(actor=world.admin, code="G9", name="x", division=world.town_a)
