"""Building cases in the states the work queues show (county A and county B)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from renda.handling import services as hs
from renda.handling.models import Assignment, Case, ExtensionRequest
from renda.opinions.models import Opinion
from tests.handling.conftest import submit


@dataclass
class Queues:
    triage_a: Opinion  # accepted, waiting for assignment (county A)
    triage_b: Opinion  # the same in county B
    assigned_a: Opinion  # assigned to agency_a (lead) + agency_a2 (co), lead signed, extension pending
    assigned_b: Opinion  # assigned to agency_b, not signed
    ext_a: ExtensionRequest
    ext_b: ExtensionRequest | None


def forwarded(world, county: str = "a", **extra) -> Opinion:
    if county == "a":
        opinion = submit(world, **extra)
        hs.case_forward(actor=world.deputy_user_a, case=opinion.case)
    else:
        opinion = submit(world, deputy=False, division=world.town_b, **extra)
        hs.case_forward(actor=world.staff_b, case=opinion.case)
    opinion.refresh_from_db()
    return opinion


def assigned(world, county: str = "a", *, co: bool = True) -> Opinion:
    opinion = forwarded(world, county)
    if county == "a":
        hs.case_assign(actor=world.staff_a, case=opinion.case, lead=world.agency_a, co=[world.agency_a2] if co else [])
    else:
        hs.case_assign(actor=world.staff_b, case=opinion.case, lead=world.agency_b)
    opinion.case.refresh_from_db()
    return opinion


def extension(world, opinion: Opinion, handler, days: int = 5) -> ExtensionRequest:
    hs.case_sign(actor=handler, case=opinion.case)
    return hs.case_request_extension(actor=handler, case=opinion.case, working_days=days, reason="需要协调施工队。")


def make_overdue(case: Case, days: int = 10) -> None:
    past = timezone.now() - datetime.timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(stage_due_at=past)
    Assignment.objects.filter(case=case).update(sign_due_at=past, reply_due_at=past)


def build(world, *, ext_b: bool = False) -> Queues:
    triage_a, triage_b = forwarded(world, "a"), forwarded(world, "b")
    assigned_a, assigned_b = assigned(world, "a"), assigned(world, "b")
    ea = extension(world, assigned_a, world.handler_a)
    eb = extension(world, assigned_b, world.handler_b) if ext_b else None
    return Queues(triage_a, triage_b, assigned_a, assigned_b, ea, eb)
