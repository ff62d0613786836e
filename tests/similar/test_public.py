import pytest
from django.urls import reverse

from renda.core.models import SmsMessage
from renda.handling import services as hs
from renda.opinions.verification import phone_code_send
from renda.similar.models import Follower, Hotspot

from .helpers import LAMP, OTHER, submit

pytestmark = pytest.mark.django_db


def hint(client, text):
    return client.get(reverse("public:similar_hint"), {"content": text}).content.decode()


def test_citizen_form_has_the_htmx_area_that_is_empty_without_js(client, world):
    page = client.get(reverse("public:opinion_new")).content.decode()
    assert 'id="similar-hint"' in page and "from:#id_content" in page


def test_typing_a_known_problem_offers_to_follow_it_masked(client, world, django_assert_max_num_queries):
    op = submit(world, n=12)
    with django_assert_max_num_queries(6):
        body = hint(client, LAMP.format(n=7))
    assert "关注这件事" in body and "**号楼" in body and "12号楼" not in body
    assert hint(client, OTHER) == "" or "关注这件事" not in hint(client, OTHER)
    assert "关注这件事" not in hint(client, "路灯")
    hs.case_reject(actor=world.staff_a, case=op.case, reason="不属于受理范围")
    assert "关注这件事" not in hint(client, LAMP.format(n=7))


def _token(client, text):
    body = hint(client, text)
    return body.split('data-follow="')[1].split('"')[0]


def test_follow_counts_a_supporter_and_feeds_the_hotspot(client, world):
    for n in range(3):
        submit(world, n=n)
    token = _token(client, LAMP.format(n=7))
    page = client.post(reverse("public:similar_follow"), {"follow": token}).content.decode()
    assert "已记录您的关注" in page and "只计入关注人数" in page
    assert Follower.objects.get().phone == ""
    assert Hotspot.objects.get().supporters == 1


def test_follow_with_a_verified_phone_is_recorded_once(client, world):
    submit(world, n=1)
    token = _token(client, LAMP.format(n=7))
    phone_code_send(phone="13800138000")
    code = SmsMessage.objects.get().text
    digits = "".join(ch for ch in code if ch.isdigit())[:6]
    data = {"follow": token, "phone": "13800138000", "sms_code": digits}
    assert "会短信告知您" in client.post(reverse("public:similar_follow"), data).content.decode()
    assert "您已关注过" in client.post(reverse("public:similar_follow"), data).content.decode()
    assert Follower.objects.get().phone_verified


def test_forged_or_closed_follow_is_refused(client, world):
    op = submit(world, n=1)
    assert client.post(reverse("public:similar_follow"), {"follow": "forged"}).status_code == 400
    token = _token(client, LAMP.format(n=7))
    hs.case_reject(actor=world.staff_a, case=op.case, reason="不属于受理范围")
    response = client.post(reverse("public:similar_follow"), {"follow": token})
    assert response.status_code == 409 and "已办结" in response.content.decode()
    assert not Follower.objects.exists()


def test_a_verified_follower_is_texted_when_the_item_is_answered(client, world, django_capture_on_commit_callbacks):
    op = submit(world, n=1)
    token = _token(client, LAMP.format(n=7))
    phone_code_send(phone="13800138000")
    digits = "".join(ch for ch in SmsMessage.objects.get().text if ch.isdigit())[:6]
    client.post(reverse("public:similar_follow"), {"follow": token, "phone": "13800138000", "sms_code": digits})
    client.post(reverse("public:similar_follow"), {"follow": token})  # an anonymous follower: no text
    with django_capture_on_commit_callbacks(execute=True):
        hs.case_answer(actor=world.staff_a, case=op.case, result="resolved", content="已更换路灯")
    texts = SmsMessage.objects.filter(template_key="sms.follow_feedback")
    assert [t.phone for t in texts] == ["13800138000"] and "光明社区" in texts[0].text


def test_the_follow_button_answers_htmx_in_place(client, world):
    submit(world, n=1)
    body = hint(client, LAMP.format(n=7))
    assert 'hx-post="/similar/follow/"' in body.replace("&quot;", '"') or "hx-post" in body
    token = _token(client, LAMP.format(n=7))
    response = client.post(reverse("public:similar_follow"), {"follow": token}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200 and "已关注" in text and "<html" not in text
    bad = client.post(reverse("public:similar_follow"), {"follow": "x"}, headers={"HX-Request": "true"})
    assert "链接已失效" in bad.content.decode()
