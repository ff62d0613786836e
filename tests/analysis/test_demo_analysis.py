"""The demo step of 研判 (``renda.demo.analysis``) over a small world with replied cases.

(The full demo build, with this step in it, is exercised by ``tests/demo``.)
"""

import datetime
import random

from django.urls import reverse
from django.utils import timezone

from renda.analysis.models import MonthlyReport, OpinionTerms, ReplyCheck
from renda.analysis.services import previous_month
from renda.demo import analysis as demo_analysis
from renda.handling.models import Case, Reply

from .conftest import replied


def test_demo_step(world, client):
    cases = [replied(world)[1] for _ in range(3)]
    last_month = previous_month(timezone.localdate())
    moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=12), datetime.time(9)))
    Case.objects.filter(pk=cases[0].pk).update(created_at=moment)
    OpinionTerms.objects.all().delete()  # as after the bulk-written demo opinions: none yet
    counts = demo_analysis.build(random.Random(1), now=timezone.now(), scale=0.05, say=print)
    assert counts == {"opinion_terms": 3, "reply_checks": 3, "monthly_reports": 4}
    assert ReplyCheck.objects.count() == Reply.objects.count() == 3
    assert set(MonthlyReport.objects.values_list("congress__division__code", flat=True)) == {
        world.city.code,
        world.county_a.code,
    }  # 东风区 (990102) ×3, the city ×1
    report = MonthlyReport.objects.get(month=last_month, congress=world.congress_a)
    assert report.data["totals"]["received"] == 1
    client.force_login(world.admin)
    page = client.get(reverse("console:analysis_monthly"), {"month": last_month.strftime("%Y-%m")})
    assert page.status_code == 200
