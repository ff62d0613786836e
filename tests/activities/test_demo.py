import random

import pytest
from django.utils import timezone

from renda.activities import selectors
from renda.activities.models import Activity, DutyStandard
from renda.demo import activities as demo

pytestmark = pytest.mark.django_db


def test_demo_build_on_small_world(world):
    counts = demo.build(random.Random(5), now=timezone.now(), scale=0.05, say=lambda m: None)
    assert counts["activities"] == Activity.objects.count() > 0
    assert counts["standards"] == DutyStandard.objects.count() == 4  # two counties, this year and last
    assert counts["plans"] > 0 and counts["participants"] > 0
    data = selectors.compliance(world.admin, congress=world.congress_a, year=timezone.localdate().year)
    assert data.standard is not None and len(data.stations) == 1 and data.deputies
