import datetime

import pytest
from django.core.exceptions import ValidationError

from renda.core.models import AuditEvent
from renda.registry import services as reg
from renda.reportback import services
from renda.reportback.models import Appraisal, MeetingStatus
from renda.reportback.selectors import (
    district_compliance,
    results_for,
    term_districts,
    unreported_mandates,
)


def test_districts_come_from_mandates(world, term_a):
    assert term_districts(term_a) == ["第一选区"]


def test_meeting_rejects_unknown_district(world, term_a):
    with pytest.raises(ValidationError, match="没有名为"):
        services.meeting_create(
            actor=world.staff_a, term=term_a, district="第九选区", title="x", date=datetime.date(2026, 1, 1), place="y"
        )


def test_report_only_for_district_deputies(world, meeting_a):
    with pytest.raises(ValidationError, match="不是"):
        services.report_create(actor=world.staff_a, meeting=meeting_a, deputy=world.deputy_b, mode="oral", text="x")
    services.report_create(actor=world.staff_a, meeting=meeting_a, deputy=world.deputy_a, mode="oral", text="x")
    with pytest.raises(ValidationError, match="已在本次会议"):
        services.report_create(actor=world.staff_a, meeting=meeting_a, deputy=world.deputy_a, mode="oral", text="x")


def test_transitions(world, meeting_a, report_a):
    with pytest.raises(ValidationError, match="不能变更为"):
        services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to="bogus")
    services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to=MeetingStatus.HELD)
    with pytest.raises(ValidationError, match="“已召开”，不能变更为“已取消”"):
        services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to=MeetingStatus.CANCELLED)
    assert AuditEvent.objects.filter(action="reportback.meeting.status.held").exists()


def test_cannot_hold_future_or_empty_meeting(world, term_a):
    future = services.meeting_create(
        actor=world.staff_a, term=term_a, district="第一选区", title="f", date=datetime.date(2099, 1, 1), place="p"
    )
    with pytest.raises(ValidationError, match="还未到"):
        services.meeting_transition(actor=world.staff_a, meeting=future, to=MeetingStatus.HELD)
    past = services.meeting_create(
        actor=world.staff_a, term=term_a, district="第一选区", title="p", date=datetime.date(2025, 1, 1), place="p"
    )
    with pytest.raises(ValidationError, match="至少一名"):
        services.meeting_transition(actor=world.staff_a, meeting=past, to=MeetingStatus.HELD)


def test_appraisal_one_per_phone_and_only_when_published(world, report_a):
    with pytest.raises(ValidationError, match="不接受评议"):
        services.appraisal_submit(report=report_a, phone="13800138000", choice="satisfied")
    services.report_publish(actor=world.staff_a, report=report_a)
    services.appraisal_submit(report=report_a, phone="13800138000", choice="satisfied")
    with pytest.raises(ValidationError, match="只能评议一次"):
        services.appraisal_submit(report=report_a, phone="13800138000", choice="unsatisfied")
    services.appraisal_submit(report=report_a, phone="13800138001", choice="basic")
    appraisal = Appraisal.objects.first()
    assert "13800138000" not in appraisal.phone_hash and len(appraisal.phone_hash) == 40
    with pytest.raises(ValidationError, match="请选择"):
        services.appraisal_submit(report=report_a, phone="13800138002", choice="great")


def test_paper_tally_after_meeting_is_held_and_audited(world, meeting_a, report_a):
    with pytest.raises(ValidationError, match="会议召开后"):
        services.tally_save(actor=world.staff_a, report=report_a, satisfied=1, basic=0, unsatisfied=0)
    services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to=MeetingStatus.HELD)
    services.tally_save(actor=world.staff_a, report=report_a, satisfied=30, basic=5, unsatisfied=1)
    services.tally_save(actor=world.staff_a, report=report_a, satisfied=31, basic=5, unsatisfied=1)
    with pytest.raises(ValidationError, match="不小于 0"):
        services.tally_save(actor=world.staff_a, report=report_a, satisfied=-1, basic=0, unsatisfied=0)
    services.report_publish(actor=world.staff_a, report=report_a)
    services.appraisal_submit(report=report_a, phone="13800138000", choice="unsatisfied")
    res = results_for([report_a])[report_a.pk]
    assert res.total == {"satisfied": 31, "basic": 5, "unsatisfied": 2}
    assert res.votes == 38 and res.satisfaction == round(100 * 36 / 38, 1)
    assert AuditEvent.objects.filter(action="reportback.tally.update").count() == 2


def test_compliance_counts_held_meetings_and_oral_share(world, term_a, meeting_a):
    extra = [reg.deputy_create(actor=None, name=f"代表{i}", gender="M") for i in range(3)]
    for d in extra:
        reg.mandate_create(
            actor=None, deputy=d, term=term_a, started_on=datetime.date(2022, 1, 1), constituency="第一选区"
        )
    services.report_create(actor=world.staff_a, meeting=meeting_a, deputy=world.deputy_a, mode="oral", text="x")
    services.report_create(actor=world.staff_a, meeting=meeting_a, deputy=extra[0], mode="written", text="x")
    (row,) = district_compliance(term_a)
    assert (row.deputies, row.reported, row.oral) == (4, 0, 0)  # not held yet
    assert unreported_mandates(term_a).count() == 4
    services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to=MeetingStatus.HELD)
    (row,) = district_compliance(term_a)
    assert (row.deputies, row.reported, row.oral) == (4, 2, 1)
    assert row.oral_percent == 25.0 and not row.oral_ok and row.oral_needed == 1
    assert {m.deputy_id for m in unreported_mandates(term_a)} == {extra[1].pk, extra[2].pk}
