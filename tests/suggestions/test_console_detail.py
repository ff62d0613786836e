"""The suggestion detail page: who sees it, what it shows, and that the panel offers only what applies now."""

import pytest
from django.urls import reverse
from django.utils import timezone

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.suggestions import services as ss
from renda.suggestions.models import CoSigner, CoSignStatus

from .conftest import draft, in_progress, registered, submitted
from .console_helpers import detail, panel


def _cosigned(world, sw, s):
    CoSigner.objects.create(suggestion=s, deputy=sw.deputy_a2, status=CoSignStatus.CONFIRMED)


def _replied(world, sw):
    s = in_progress(world, sw, co=[world.agency_a2])
    case_record_contact(
        actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话沟通"
    )
    hs.case_reply(actor=world.handler_a, case=s.case, result="B", content="列入计划", commitments=["年底前完成"])
    return s


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("deputy_user_a", 200),  # owner
        ("cosigner", 200),  # member: confirmed co-signer
        ("staff_a", 200),
        ("handler_a", 200),  # assigned lead unit
        ("handler_a2", 200),  # co unit
        ("admin", 200),
        ("staff_b", 404),  # outsiders
        ("handler_b", 404),
        ("deputy_user_b", 404),
        ("station_staff_a", 403),
        ("nobody", 403),
    ],
)
def test_who_sees_the_detail(world, sw, login, who, status):
    s = _replied(world, sw)
    _cosigned(world, sw, s)
    user = {"cosigner": sw.cosigner_user, "deputy_user_b": sw.deputy_user_b}.get(who) or getattr(world, who)
    assert detail(login(user), s).status_code == status


def test_anonymous_goes_to_login(world, sw, client):
    s = submitted(world, sw)
    resp = client.get(reverse("console:suggestion_detail", args=[s.pk]))
    assert resp.status_code == 302 and "login" in resp["Location"]


def test_staff_do_not_see_others_drafts_and_units_only_what_was_assigned(world, sw, login):
    s = draft(world, sw)
    assert detail(login(world.staff_a), s).status_code == 404
    s2 = registered(world, sw)
    assert detail(login(world.handler_a), s2).status_code == 404


def test_detail_shows_the_whole_record(world, sw, login):
    s = _replied(world, sw)
    _cosigned(world, sw, s)
    body = detail(login(world.staff_a), s).content.decode()
    for text in ("第0001号", "陈附议", "已附议", "主办", "协办", "电话", "电话沟通", "B 正在解决或列入计划",
                 "年底前完成", "未落实", "办理记录", "第十七届人民代表大会第五次会议", "大会期间", "城乡建设"):  # fmt: skip
        assert text in body, text


def test_panel_per_role_and_state(world, sw, login):
    s = draft(world, sw)
    assert panel(login(world.deputy_user_a), s) == ["submit", "withdraw"]
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[sw.deputy_a2])
    assert panel(login(sw.cosigner_user), s) == ["cosign"]
    s = ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s)
    assert panel(login(world.deputy_user_a), s) == ["withdraw"]
    assert panel(login(sw.cosigner_user), s) == []
    assert panel(login(world.staff_a), s) == ["register", "decline"]
    ss.suggestion_register(actor=world.staff_a, suggestion=s)
    assert panel(login(world.deputy_user_a), s) == []
    assert panel(login(world.staff_a), s) == ["assign", "mark_key", "supervise", "disclosure"]
    ss.suggestion_assign(actor=world.staff_a, suggestion=s, lead=world.agency_a, co=[world.agency_a2])
    assert panel(login(world.handler_a), s) == ["sign", "return", "contact", "request_extension"]
    assert panel(login(world.handler_a2), s) == ["sign", "co_view"]
    assert panel(login(world.staff_a), s) == ["reassign", "mark_key", "supervise", "disclosure"]
    hs.case_sign(actor=world.handler_a, case=s.case)
    assert panel(login(world.handler_a), s) == ["return", "contact", "request_extension"]  # no reply before contact
    case_record_contact(
        actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    assert panel(login(world.handler_a), s) == ["return", "contact", "request_extension", "reply"]
    hs.case_request_extension(actor=world.handler_a, case=s.case, working_days=5, reason="复杂")
    assert "request_extension" not in panel(login(world.handler_a), s)
    staff_panel = detail(login(world.staff_a), s).context["panel"]
    assert [i["name"] for i in staff_panel].count("extension") == 1
    hs.case_reply(actor=world.handler_a, case=s.case, result="A", content="已解决")
    assert panel(login(world.deputy_user_a), s) == ["evaluate"]
    assert panel(login(world.handler_a), s) == []
    assert "evaluate" in panel(login(world.staff_a), s)  # staff may enter the proposer's verdict


def test_return_hidden_after_the_window(world, sw, login, settings):
    settings.RENDA_SUGGESTION_RETURN_DAYS = 0
    s = in_progress(world, sw)
    a = s.case.assignments.get()
    type(a).objects.filter(pk=a.pk).update(assigned_at=timezone.now() - timezone.timedelta(days=10))
    assert "return" not in panel(login(world.handler_a), s)


def test_cosigner_evaluates_once(world, sw, login):
    s = _replied(world, sw)
    _cosigned(world, sw, s)
    assert panel(login(sw.cosigner_user), s) == ["evaluate"]
    hs.case_evaluate(case=s.case, resolved=None, satisfaction="basic", actor=sw.cosigner_user)
    assert panel(login(sw.cosigner_user), s) == []


def test_fulfil_button_for_lead_unit_and_staff_only(world, sw, login):
    s = _replied(world, sw)
    assert detail(login(world.handler_a), s).context["fulfil_ids"]
    assert detail(login(world.staff_a), s).context["fulfil_ids"]
    assert not detail(login(world.handler_a2), s).context["fulfil_ids"]
    assert not detail(login(world.deputy_user_a), s).context["fulfil_ids"]


def test_detail_query_count_is_bounded(world, sw, login, django_assert_max_num_queries):
    s = _replied(world, sw)
    _cosigned(world, sw, s)
    client = login(world.staff_a)
    with django_assert_max_num_queries(30):
        assert detail(client, s).status_code == 200
