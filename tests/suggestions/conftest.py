"""Suggestion fixtures on top of the shared ``world``: a session, a second county-A deputy with an
account (the co-signer), county B's deputy with an account (the outsider deputy)."""

import datetime
from dataclasses import dataclass

import pytest

from renda.core.models import Role, User
from renda.handling import services as hs
from renda.registry import services as reg
from renda.registry.models import Deputy
from renda.suggestions import services as ss
from renda.suggestions.models import Suggestion, SuggestionCategory, SuggestionSession
from tests.conftest import make_user


@dataclass
class SWorld:
    session: SuggestionSession
    session_b: SuggestionSession
    category: SuggestionCategory
    deputy_a2: Deputy
    cosigner_user: User
    deputy_user_b: User


def make_session(congress, title="第十七届人民代表大会第五次会议", year=2026) -> SuggestionSession:
    return SuggestionSession.objects.create(
        congress=congress, title=title, period="session", year=year, starts_on=datetime.date(year, 1, 10)
    )


@pytest.fixture
def sw(world) -> SWorld:
    term_a = world.congress_a.terms.get()
    deputy_a2 = reg.deputy_create(actor=None, name="陈附议", gender="M")
    reg.mandate_create(actor=None, deputy=deputy_a2, term=term_a, started_on=datetime.date(2022, 1, 1))
    return SWorld(
        session=make_session(world.congress_a),
        session_b=make_session(world.congress_b),
        category=SuggestionCategory.objects.get_or_create(name="城乡建设")[0],
        deputy_a2=deputy_a2,
        cosigner_user=make_user("deputy_a2", Role.DEPUTY, deputy=deputy_a2),
        deputy_user_b=make_user("deputy_b", Role.DEPUTY, deputy=world.deputy_b),
    )


def draft(world, sw, *, actor=None, **extra) -> Suggestion:
    return ss.suggestion_create(
        actor=actor or world.deputy_user_a,
        congress=extra.pop("congress", world.congress_a),
        session=extra.pop("session", sw.session),
        title=extra.pop("title", "关于加快老旧小区改造的建议"),
        content=extra.pop("content", "长安街道多个老旧小区管网老化，建议列入年度改造计划。"),
        category=extra.pop("category", sw.category),
        **extra,
    )


def submitted(world, sw, **extra) -> Suggestion:
    s = draft(world, sw, **extra)
    return ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)


def registered(world, sw, **extra) -> Suggestion:
    s = submitted(world, sw, **extra)
    return ss.suggestion_register(actor=world.staff_a, suggestion=s)


def in_progress(world, sw, *, co=(), **extra) -> Suggestion:
    """Registered, assigned to agency_a (lead) and signed."""
    s = registered(world, sw, **extra)
    ss.suggestion_assign(actor=world.staff_a, suggestion=s, lead=world.agency_a, co=co)
    hs.case_sign(actor=world.handler_a, case=s.case)
    s.refresh_from_db()
    return s
