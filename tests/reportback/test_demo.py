"""The demo's 述职评议 and the ledgers over the demo city (a small one)."""

import pytest
from django.utils import timezone

from renda.demo import build_demo
from renda.ledgers.registry import enabled_ledgers, safe_rows
from renda.registry.models import CongressLevel, Station, Term
from renda.reportback.models import Appraisal, DeputyReport, MeetingStatus, PaperTally, ReportMeeting
from renda.reportback.selectors import district_compliance, unreported_mandates


@pytest.fixture
def demo(db):
    return build_demo(seed=7, scale=0.05)


def test_demo_reportback_and_ledgers(demo):
    counts = demo.extra_counts["reportback"]
    assert counts["meetings"] == ReportMeeting.objects.count() > 0
    assert counts["reports"] == DeputyReport.objects.count() > 0
    assert Appraisal.objects.count() == counts["appraisals"]
    assert PaperTally.objects.count() == counts["reports"]
    assert ReportMeeting.objects.filter(status=MeetingStatus.HELD).exists()
    assert not ReportMeeting.objects.filter(status=MeetingStatus.HELD, date__gt=timezone.localdate()).exists()
    term = Term.objects.filter(congress__level=CongressLevel.COUNTY, ends_on__isnull=True).first()
    rows = district_compliance(term)
    assert rows and sum(r.deputies for r in rows) >= sum(r.reported for r in rows)
    assert unreported_mandates(term).count() == sum(r.deputies - r.reported for r in rows)
    station = Station.objects.filter(memberships__left_on=None).first()
    for ledger in enabled_ledgers(station):
        assert safe_rows(ledger, station, timezone.localdate().year) is not None, ledger.key
