"""Tracking: the private page, code + phone look-up, public-safe timeline, evaluation, merge."""

import pytest

from renda.handling import services as hs
from renda.handling.models import CaseState, Evaluation, ReplyResult, Satisfaction
from tests.handling.conftest import submit

INTERNAL = "内部备注：请勿外传"


def private(opinion):
    return f"/t/{opinion.access_token}/"


def to_fed_back(world, opinion):
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case, note=INTERNAL)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, instructions=INTERNAL)
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_note(actor=world.staff_a, case=case, note=INTERNAL)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修复路灯。")
    hs.case_feedback(actor=world.deputy_user_a, case=case, text="路灯已于本周修复，感谢监督。")
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK
    return case


@pytest.fixture
def opinion(world):
    return submit(world)


def test_private_page_is_public_safe(client, world, opinion, django_assert_max_num_queries):
    to_fed_back(world, opinion)
    with django_assert_max_num_queries(6):
        response = client.get(private(opinion))
    body = response.content.decode()
    assert response.status_code == 200
    assert opinion.tracking_code in body and "请保存此链接" in body
    assert "已交有关单位办理" in body and "办理结果已反馈给您" in body
    assert "路灯已于本周修复" in body and "问题是否解决" in body and "基本满意" in body
    for secret in (INTERNAL, "staff_a", "handler_a", "deputy_user_a", world.agency_a.name, "13800138000"):
        assert secret not in body, secret
    assert "138****8000" in body
    assert response["Cache-Control"] == "private, no-store"


def test_other_token_shows_other_opinion_only(client, world, opinion):
    other = submit(world, content="另一件：学校门口积水。", phone="13900139000")
    body = client.get(private(other)).content.decode()
    assert "学校门口积水" in body and "路灯坏了" not in body and opinion.tracking_code not in body
    assert client.get("/t/not-a-token/").status_code == 404
    assert client.get("/t/" + "x" * 500 + "/").status_code == 404


def test_escaping(client, world):
    opinion = submit(world, content="<script>alert(1)</script>内容", title="<script>x</script>")
    body = client.get(private(opinion)).content.decode()
    assert "<script>alert(1)</script>" not in body and "<script>x</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_track_by_code_and_phone(client, world, opinion):
    response = client.post("/track/", {"code": opinion.tracking_code.lower(), "phone": "138-0013-8000"})
    assert response.status_code == 302 and response["Location"] == private(opinion)
    wrong_phone = client.post("/track/", {"code": opinion.tracking_code, "phone": "13900139000"})
    wrong_code = client.post("/track/", {"code": "ZZZZZZZZZZ", "phone": "13800138000"})
    for response in (wrong_phone, wrong_code):
        assert response.status_code == 200 and "查询码或手机号不正确" in response.content.decode()
    assert client.get("/track/").status_code == 200


def test_track_needs_phone(client, world):
    anonymous = submit(world, phone="")
    response = client.post("/track/", {"code": anonymous.tracking_code, "phone": ""})
    assert response.status_code == 200 and "请填写提交时的手机号" in response.content.decode()


def test_track_rate_limited(client, world, opinion, settings):
    settings.RENDA_TRACK_RATE_IP = "2/hour"
    client.post("/track/", {"code": "AAAA", "phone": "13800138000"})
    client.post("/track/", {"code": "BBBB", "phone": "13800138000"})
    response = client.post("/track/", {"code": opinion.tracking_code, "phone": "13800138000"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()


def test_evaluate(client, world, opinion):
    to_fed_back(world, opinion)
    url = f"/t/{opinion.access_token}/evaluate/"
    response = client.post(url, {"resolved": "maybe", "satisfaction": "x"})
    assert response.status_code == 200 and "请选择问题是否解决" in response.content.decode()
    response = client.post(url, {"resolved": "yes", "satisfaction": Satisfaction.SATISFIED, "comment": "<b>好</b>"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(case=opinion.case)
    assert evaluation.resolved is True and evaluation.satisfaction == Satisfaction.SATISFIED
    opinion.case.refresh_from_db()
    assert opinion.case.state == CaseState.CLOSED
    body = client.get(private(opinion)).content.decode()
    assert "已办结" in body and "问题是否解决" not in body
    response = client.post(url, {"resolved": "yes", "satisfaction": Satisfaction.SATISFIED})
    assert response.status_code == 302 and Evaluation.objects.count() == 1


def test_evaluate_unsatisfied_reopens(client, world, opinion):
    to_fed_back(world, opinion)
    client.post(f"/t/{opinion.access_token}/evaluate/", {"resolved": "no", "satisfaction": Satisfaction.UNSATISFIED})
    opinion.case.refresh_from_db()
    assert opinion.case.state == CaseState.REOPENED
    assert "重新办理" in client.get(private(opinion)).content.decode()


def test_evaluate_not_allowed_before_feedback(client, world, opinion):
    response = client.post(f"/t/{opinion.access_token}/evaluate/", {"resolved": "yes", "satisfaction": "satisfied"})
    assert response.status_code == 302 and not Evaluation.objects.exists()
    assert client.post("/t/nope/evaluate/", {}).status_code == 404


def test_merged_shows_target_progress(client, world, opinion):
    duplicate = submit(world, content="同一路灯问题。", phone="13900139000")
    hs.case_merge(actor=world.deputy_user_a, case=duplicate.case, into=opinion.case, note=INTERNAL)
    to_fed_back(world, opinion)
    body = client.get(private(duplicate)).content.decode()
    assert "已与相同问题合并办理" in body and "路灯已于本周修复" in body
    assert INTERNAL not in body and world.agency_a.name not in body
    assert "问题是否解决" not in body  # the merged item itself is not evaluated


def test_spam_is_not_revealed(client, world, opinion):
    from renda.opinions.services import opinion_mark_spam

    opinion_mark_spam(actor=world.staff_a, opinion=opinion, reason=INTERNAL)
    body = client.get(private(opinion)).content.decode()
    assert INTERNAL not in body and "无效" not in body and "已处理" in body
