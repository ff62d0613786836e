"""The public 代表建议答复 pages: published answers only, no internal notes, filters, constant queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.suggestions import services as ss
from renda.suggestions.models import Suggestion, SuggestionCategory

from .conftest import draft, in_progress, make_session

LIST = "public:suggestion_reply_list"
INTERNAL = "内部交办意见：请局长亲自过问"
CONTACT = "电话沟通：代表同意分两年实施"


def answered(world, sw, *, result="A", content="已列入年度计划并完成改造。", **extra) -> Suggestion:
    """Registered, assigned (lead agency_a + co agency_a2), contacted and answered: published unless told."""
    s = in_progress(world, sw, co=[world.agency_a2], **extra)
    case = s.case
    case_record_contact(
        actor=world.handler_a, case=case, method="phone", contacted_on=timezone.localdate(), content=CONTACT
    )
    commitments = [("2027年底前完成管网改造", datetime.date(2027, 12, 31))] if result == "B" else []
    hs.case_reply(actor=world.handler_a, case=case, result=result, content=content, commitments=commitments)
    s.refresh_from_db()
    return s


@pytest.fixture
def published(world, sw):
    return answered(world, sw, result="B", content="已列入2027年老旧小区改造计划。")


def test_list_shows_published_answers_only(client, world, sw, published):
    hidden = answered(world, sw, title="关于不公开事项的建议", publish=False, no_publish_reason="涉及个人隐私")
    waiting = in_progress(world, sw, title="关于尚未答复事项的建议")
    drafted = draft(world, sw, title="关于草稿事项的建议")
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    body = response.content.decode()
    assert published.title in body and published.number_label in body
    assert "正在解决或列入计划" in body and world.agency_a.name in body
    for s in (hidden, waiting, drafted):
        assert s.title not in body
    assert response.context["page"].paginator.count == 1


def test_detail_shows_the_answer_without_internal_details(client, world, sw):
    s = in_progress(world, sw, co=[world.agency_a2])
    case = s.case
    hs.case_co_view(actor=world.handler_a2, case=case, text="协办单位内部意见")
    case_record_contact(
        actor=world.handler_a, case=case, method="phone", contacted_on=timezone.localdate(), content=CONTACT
    )
    hs.case_reply(actor=world.handler_a, case=case, result="A", content="管网改造已完工。")
    response = client.get(reverse("public:suggestion_reply_detail", args=[s.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    s.refresh_from_db()
    for text in (s.title, s.number_label, world.deputy_a.name, world.agency_a.name, world.agency_a2.name,
                 "管网改造已完工。", "已解决或基本解决", "主办", "协办"):  # fmt: skip
        assert text in body, text
    for secret in (CONTACT, "协办单位内部意见", "handler_a", "staff_a", world.deputy_a.phone or "13900001111"):
        assert secret not in body, secret


def test_unpublished_and_unknown_are_404(client, world, sw, published):
    hidden = answered(world, sw, publish=False, no_publish_reason="涉及国家秘密")
    waiting = in_progress(world, sw)
    for pk in (hidden.pk, waiting.pk, draft(world, sw).pk, 999999):
        assert client.get(reverse("public:suggestion_reply_detail", args=[pk])).status_code == 404
    # Withdrawing disclosure later takes it off the site.
    url = reverse("public:suggestion_reply_detail", args=[published.pk])
    assert client.get(url).status_code == 200
    ss.suggestion_set_disclosure(actor=world.staff_a, suggestion=published, publish=False, reason="涉及个人隐私")
    assert client.get(url).status_code == 404
    assert published.title not in client.get(reverse(LIST)).content.decode()


def test_commitments_and_rehandling_are_shown(client, world, sw, published):
    case = published.case
    hs.case_evaluate(case=case, resolved=False, satisfaction="unsatisfied", actor=world.deputy_user_a)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    hs.case_sign(actor=world.handler_a, case=case)
    case_record_contact(actor=world.handler_a, case=case, method="written", contacted_on=timezone.localdate(),
                        content="书面")  # fmt: skip
    hs.case_reply(actor=world.handler_a, case=case, result="A", content="已提前开工。")
    body = client.get(reverse("public:suggestion_reply_detail", args=[published.pk])).content.decode()
    assert "2027年底前完成管网改造" in body and "正在落实" in body
    assert "首次答复" in body and "重新办理答复" in body and "已提前开工。" in body


def test_filters(client, world, sw, published):
    other_cat = SuggestionCategory.objects.get(name="教育科技")
    later = make_session(world.congress_a, title="2027年闭会期间", year=2027)
    other = answered(world, sw, title="关于增加学位供给的建议", category=other_cat, session=later)
    url = reverse(LIST)

    def titles(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {s.title for s in response.context["page"].object_list}

    both = {published.title, other.title}
    assert titles() == both
    assert titles(year=2027) == {other.title}
    assert titles(year=2026) == {published.title}
    assert titles(session=sw.session.pk) == {published.title}
    assert titles(category=other_cat.pk) == {other.title}
    assert titles(unit=world.agency_a.code) == both
    assert titles(unit=world.agency_b.code) == set()
    assert titles(q="学位") == {other.title}
    assert published.title in titles(q=published.number_label)  # 第0001号 (numbers run per session)
    assert titles(deputy=world.deputy_a.number) == both
    assert titles(deputy=world.deputy_b.number) == set()
    # Bad values are ignored with a notice, never a 500.
    response = client.get(url, {"year": "abc", "session": "-1", "unit": "nope", "deputy": "x" * 80, "page": "zz"})
    assert response.status_code == 200
    assert "无效" in response.content.decode() and response.context["page"].paginator.count == 2


def test_list_queries_do_not_grow(client, world, sw, django_assert_max_num_queries):
    answered(world, sw)
    url = reverse(LIST)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for i in range(6):
        answered(world, sw, title=f"关于第{i}件事项的建议", result="B" if i % 2 else "C")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 7


def test_deputy_page_links_to_their_suggestions(client, world, sw, published):
    body = client.get(reverse("public:deputy_detail", args=[world.deputy_a.number])).content.decode()
    link = reverse(LIST) + f"?deputy={world.deputy_a.number}"
    assert link in body
    assert published.title in client.get(link).content.decode()


def test_the_published_answer_letter_is_downloadable_and_nothing_else(client, world, sw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from renda.handling.models import ReplyAttachment

    pdf = b"%PDF-1.4\n%%EOF\n"
    letters = []
    for title, publish in (("关于公开事项的建议", True), ("关于不公开事项的建议", False)):
        s = in_progress(
            world, sw, title=title, publish=publish, **({} if publish else {"no_publish_reason": "涉及隐私"})
        )
        upload = SimpleUploadedFile("答复函.pdf", pdf, content_type="application/pdf")
        case_record_contact(
            actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content=CONTACT
        )
        hs.case_reply(
            actor=world.handler_a, case=s.case, result="A", content="已办结。", attachments=[("答复函.pdf", upload)]
        )
        letters.append((s, ReplyAttachment.objects.get(reply__case=s.case)))
    (shown, letter), (hidden, secret) = letters
    body = client.get(reverse("public:suggestion_reply_detail", args=[shown.pk])).content.decode()
    url = reverse("public:suggestion_reply_file", args=[letter.pk])
    assert url in body and "答复函.pdf" in body
    got = client.get(url)
    assert (
        got.status_code == 200 and b"".join(got.streaming_content) == pdf and "attachment" in got["Content-Disposition"]
    )
    assert client.get(reverse("public:suggestion_reply_file", args=[secret.pk])).status_code == 404
    assert client.get(reverse("public:suggestion_reply_file", args=[999999])).status_code == 404
