"""Staff decisions are scope-checked in the services too, not only by the scoped pages that reach them."""

import pytest

from renda.handling import services as hs
from renda.handling.engine import TransitionError
from renda.handling.models import ExtensionRequest
from tests.handling.conftest import submit

pytestmark = pytest.mark.django_db


def test_staff_of_another_county_cannot_reassign_supervise_or_decide_extensions(world):
    opinion = submit(world)
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    case.refresh_from_db()
    with pytest.raises(TransitionError, match="不在您的工作范围内"):
        hs.case_reassign(actor=world.staff_b, case=case, lead=world.agency_a, reason="改派试试")
    with pytest.raises(TransitionError, match="不在您的工作范围内"):
        hs.case_supervise(actor=world.staff_b, case=case, reason="催办")
    supervision = hs.case_supervise(actor=world.staff_a, case=case, reason="催办")  # the owner may
    assert supervision.level == 1
    hs.case_sign(actor=world.handler_a, case=case)
    request = hs.case_request_extension(actor=world.handler_a, case=case, working_days=5, reason="需要现场勘查")
    with pytest.raises(TransitionError, match="不在您的工作范围内"):
        hs.extension_decide(actor=world.staff_b, request=request, approve=True)
    assert ExtensionRequest.objects.get(pk=request.pk).status == "pending"
    assert hs.extension_decide(actor=world.staff_a, request=request, approve=True).status == "approved"
