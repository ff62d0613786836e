"""Drafting pages: new draft (deputy / staff on behalf), edit while a draft, from an opinion, co-signers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renda.core.audit import AuditEvent
from renda.suggestions import services as ss
from renda.suggestions.models import CoSigner, CoSignStatus, Suggestion, SuggestionKind, SuggestionStatus
from tests.handling.conftest import submit
from tests.opinions.conftest import jpeg_bytes
from tests.suggestions.conftest import draft

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NEW = reverse("console:suggestion_create")


@pytest.fixture
def current(sw):
    sw.session.is_current = True
    sw.session.save(update_fields=["is_current"])
    sw.session_b.is_current = True
    sw.session_b.save(update_fields=["is_current"])
    return sw


def pdf(name="材料.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form_data(sw, **extra):
    data = {
        "kind": SuggestionKind.SUGGESTION,
        "session": sw.session.pk,
        "title": "关于增设社区养老服务站的建议",
        "content": "光明社区老年人多，建议增设养老服务站。",
        "category": sw.category.pk,
        "publish": "on",
        "no_publish_reason": "",
    }
    data.update(extra)
    return data


def edit_url(s):
    return reverse("console:suggestion_edit", args=[s.pk])


def cosign_url(s):
    return reverse("console:suggestion_cosigners", args=[s.pk])


# --- New draft ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy_user_a", "staff_a", "admin"])
def test_drafters_open_the_form(world, current, login, who):
    body = login(getattr(world, who)).get(NEW).content.decode()
    assert "第十七届人民代表大会第五次会议" in body
    assert ('name="proposer"' in body) == (who != "deputy_user_a")


@pytest.mark.parametrize("who", ["station_staff_a", "handler_a", "nobody"])
def test_other_roles_may_not_draft(world, current, login, who):
    assert login(getattr(world, who)).get(NEW).status_code == 403


def test_anonymous_goes_to_login(world, client):
    assert client.get(NEW).status_code == 302


def test_deputy_sees_only_current_sessions_of_their_congresses(world, current, login):
    current.session.is_current = False
    current.session.save(update_fields=["is_current"])
    body = login(world.deputy_user_a).get(NEW).content.decode()
    assert "当前没有可以提出建议的会次" in body
    assert "向阳区人民代表大会" not in body  # county B's session is not theirs


def test_deputy_saves_a_draft_with_attachments(world, current, login):
    client = login(world.deputy_user_a)
    files = [pdf(), SimpleUploadedFile("现场.png", jpeg_bytes(), content_type="image/jpeg")]
    resp = client.post(NEW, {**form_data(current), "attachments": files})
    s = Suggestion.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("console:suggestion_detail", args=[s.pk])
    assert s.proposer == world.deputy_a and s.created_by == world.deputy_user_a
    assert s.status == SuggestionStatus.DRAFT and s.congress == world.congress_a
    assert sorted(a.name for a in s.attachments.all()) == ["材料.pdf", "现场.jpg"]
    assert AuditEvent.objects.filter(action="suggestions.attachment.create").count() == 2


def test_required_fields_in_chinese(world, current, login):
    resp = login(world.deputy_user_a).post(NEW, form_data(current, title="", content="", session=""))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "请填写标题。" in body and "请填写内容。" in body and "请选择会次。" in body
    assert not Suggestion.objects.exists()


def test_not_published_needs_a_reason(world, current, login):
    data = form_data(current)
    del data["publish"]
    body = login(world.deputy_user_a).post(NEW, data).content.decode()
    assert "不公开答复的，请填写不公开的理由。" in body
    assert not Suggestion.objects.exists()


def test_other_congress_session_refused(world, current, login):
    resp = login(world.deputy_user_a).post(NEW, form_data(current, session=current.session_b.pk))
    assert "所选会次不存在或当前不能提出建议。" in resp.content.decode()
    assert not Suggestion.objects.exists()


def test_upload_rejected_by_content_and_nothing_written(world, current, login):
    fake = pdf(name="伪装.pdf", data=b"MZ\x90\x00 this is an executable")
    resp = login(world.deputy_user_a).post(NEW, {**form_data(current), "attachments": [fake]})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "附件只支持 PDF 文件或 JPEG、PNG 等图片。" in body and "伪装.pdf" in body
    assert not Suggestion.objects.exists()


def test_upload_rejected_by_size_and_nothing_written(world, current, login, settings):
    settings.RENDA_MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = pdf(data=PDF[:-6] + b" " * (1024 * 1024) + b"%%EOF\n")
    resp = login(world.deputy_user_a).post(NEW, {**form_data(current), "attachments": [big]})
    assert "附件不能超过 1 MB。" in resp.content.decode()
    assert not Suggestion.objects.exists()


def test_too_many_attachments(world, current, login):
    files = [pdf(name=f"{i}.pdf") for i in range(ss.MAX_ATTACHMENTS + 1)]
    resp = login(world.deputy_user_a).post(NEW, {**form_data(current), "attachments": files})
    assert f"附件最多 {ss.MAX_ATTACHMENTS} 个" in resp.content.decode()
    assert not Suggestion.objects.exists()


def test_staff_drafts_on_behalf_of_a_deputy(world, current, login):
    resp = login(world.staff_a).post(NEW, form_data(current, proposer=world.deputy_a.number))
    assert resp.status_code == 302
    s = Suggestion.objects.get()
    assert s.proposer == world.deputy_a and s.created_by == world.staff_a


def test_staff_proposer_must_sit_in_that_congress(world, current, login):
    body = login(world.staff_a).post(NEW, form_data(current, proposer=world.deputy_b.name)).content.decode()
    assert "东风区人民代表大会没有编号或姓名为“李向阳”的在任代表。" in body
    body = login(world.staff_a).post(NEW, form_data(current, proposer="")).content.decode()
    assert "请填写领衔代表。" in body
    assert not Suggestion.objects.exists()


def test_outsider_staff_cannot_use_another_countys_session(world, current, login):
    resp = login(world.staff_b).post(NEW, form_data(current, proposer=world.deputy_a.number))
    assert "所选会次不存在或当前不能提出建议。" in resp.content.decode()
    assert not Suggestion.objects.exists()


# --- Edit while a draft -------------------------------------------------------------------------


def test_owner_edits_the_draft(world, current, login):
    s = draft(world, current)
    client = login(world.deputy_user_a)
    body = client.get(edit_url(s)).content.decode()
    assert s.title in body and "保存草稿" in body
    resp = client.post(
        edit_url(s), {**form_data(current, title="新标题", kind=SuggestionKind.MOTION), "attachments": [pdf()]}
    )
    assert resp.status_code == 302
    s.refresh_from_db()
    assert s.title == "新标题" and s.kind == SuggestionKind.MOTION and s.attachments.count() == 1


def test_staff_who_drafted_may_edit(world, current, login):
    s = draft(world, current, actor=world.staff_a, proposer=world.deputy_a)
    assert login(world.staff_a).get(edit_url(s)).status_code == 200


def test_invited_cosigner_sees_but_may_not_edit(world, current, login):
    s = draft(world, current)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[current.deputy_a2])
    assert login(current.cosigner_user).get(edit_url(s)).status_code == 403
    assert login(current.cosigner_user).post(edit_url(s), form_data(current, title="改")).status_code == 403
    s.refresh_from_db()
    assert s.title != "改"


@pytest.mark.parametrize("who", ["staff_a", "handler_a"])
def test_draft_hidden_from_others_in_the_county(world, current, login, who):
    s = draft(world, current)
    assert login(getattr(world, who)).get(edit_url(s)).status_code == 404


def test_outsider_deputy_gets_404(world, current, login):
    s = draft(world, current)
    assert login(current.deputy_user_b).get(edit_url(s)).status_code == 404
    assert login(current.deputy_user_b).post(edit_url(s), form_data(current)).status_code == 404


def test_submitted_suggestion_is_locked(world, current, login):
    s = ss.suggestion_submit(actor=world.deputy_user_a, suggestion=draft(world, current))
    client = login(world.deputy_user_a)
    assert "已不能修改" in client.get(edit_url(s)).content.decode()
    client.post(edit_url(s), form_data(current, title="改"))
    s.refresh_from_db()
    assert s.title != "改"


def test_edit_attachment_rejected_rolls_back_the_text(world, current, login):
    s = draft(world, current)
    bad = pdf(name="坏.pdf", data=b"%PDF-1.4 truncated")
    resp = login(world.deputy_user_a).post(edit_url(s), {**form_data(current, title="改过"), "attachments": [bad]})
    assert "PDF 文件不完整或已损坏" in resp.content.decode()
    s.refresh_from_db()
    assert s.title != "改过" and not s.attachments.exists()


# --- From an opinion ----------------------------------------------------------------------------


def test_from_opinion_link_both_ways(world, current, login):
    opinion = submit(world)
    client = login(world.deputy_user_a)
    detail = reverse("console:opinion_detail", args=[opinion.pk])
    to_suggestion = reverse("console:suggestion_from_opinion", args=[opinion.pk])
    assert to_suggestion in client.get(detail).content.decode()  # the 转为代表建议 button

    form = client.get(to_suggestion).content.decode()
    assert opinion.content in form and opinion.tracking_code in form
    data = form_data(current, title="关于整治小区噪音的建议", content=opinion.content + "\n建议加强巡查。")
    assert client.post(to_suggestion, data).status_code == 302
    s = Suggestion.objects.get()
    assert s.from_opinion == opinion and s.content.endswith("建议加强巡查。")

    body = client.get(detail).content.decode()
    assert "关于整治小区噪音的建议" in body
    assert reverse("console:suggestion_detail", args=[s.pk]) in body
    # and back: the suggestion's edit page names its opinion
    assert detail in client.get(edit_url(s)).content.decode()


def test_staff_sees_no_convert_button_nor_others_drafts(world, current, login):
    opinion = submit(world)
    ss.suggestion_from_opinion(
        actor=world.deputy_user_a, opinion=opinion, congress=world.congress_a, session=current.session, title="私下草稿"
    )
    body = login(world.staff_a).get(reverse("console:opinion_detail", args=[opinion.pk])).content.decode()
    assert "转为代表建议" not in body and "私下草稿" not in body


@pytest.mark.parametrize("who,status", [("staff_a", 403), ("handler_a", 403), ("station_staff_a", 403)])
def test_from_opinion_members_refused(world, current, login, who, status):
    opinion = submit(world)
    url = reverse("console:suggestion_from_opinion", args=[opinion.pk])
    assert login(getattr(world, who)).get(url).status_code == status


def test_from_opinion_outsider_deputy_404(world, current, login):
    opinion = submit(world)
    url = reverse("console:suggestion_from_opinion", args=[opinion.pk])
    assert login(current.deputy_user_b).get(url).status_code == 404
    assert login(current.deputy_user_b).post(url, form_data(current, session=current.session_b.pk)).status_code == 404
    assert not Suggestion.objects.exists()


# --- Co-signers ---------------------------------------------------------------------------------


def test_owner_searches_and_invites(world, current, login, django_assert_max_num_queries):
    s = draft(world, current)
    client = login(world.deputy_user_a)
    with django_assert_max_num_queries(15):
        body = client.get(cosign_url(s), {"q": "陈"}).content.decode()
    assert "陈附议" in body and "李向阳" not in body
    resp = client.post(cosign_url(s), {"deputies": [current.deputy_a2.pk]})
    assert resp.status_code == 302
    row = CoSigner.objects.get(suggestion=s)
    assert row.deputy == current.deputy_a2 and row.status == CoSignStatus.INVITED
    body = client.get(resp.url).content.decode()
    assert "已邀请陈附议附议" in body and "待确认" in body
    body = client.get(cosign_url(s), {"q": "陈"}).content.decode()
    assert 'name="deputies"' not in body  # already invited: no longer offered


def test_status_shown_to_the_invited_cosigner(world, current, login):
    s = draft(world, current)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[current.deputy_a2])
    cosigner = CoSigner.objects.get()
    client = login(current.cosigner_user)
    body = client.get(cosign_url(s)).content.decode()
    assert "待确认" in body and "邀请附议</button>" not in body
    assert client.post(cosign_url(s), {"deputies": [world.deputy_a.pk]}).status_code == 403
    ss.cosign_respond(actor=current.cosigner_user, cosigner=cosigner, accept=False)
    assert "已谢绝" in login(world.deputy_user_a).get(cosign_url(s)).content.decode()
    assert (
        login(current.cosigner_user).get(cosign_url(s)).status_code == 404
    )  # who declined no longer sees it (scoping)


def test_outsiders_get_404_on_cosigners(world, current, login):
    s = draft(world, current)
    assert login(current.deputy_user_b).get(cosign_url(s)).status_code == 404
    assert login(current.deputy_user_b).post(cosign_url(s), {"deputies": [current.deputy_a2.pk]}).status_code == 404
    assert login(world.nobody).get(cosign_url(s)).status_code == 403
    assert not CoSigner.objects.exists()


def test_only_deputies_of_the_same_congress_can_be_invited(world, current, login):
    s = draft(world, current)
    client = login(world.deputy_user_a)
    resp = client.post(cosign_url(s), {"deputies": [world.deputy_b.pk]}, follow=True)
    assert "所选代表不是本级人大的在任代表。" in resp.content.decode()
    resp = client.post(cosign_url(s), {}, follow=True)
    assert "请选择要邀请附议的代表。" in resp.content.decode()
    assert not CoSigner.objects.exists()


def test_motion_shows_the_threshold(world, current, login):
    s = draft(world, current, kind=SuggestionKind.MOTION)
    ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s, deputies=[current.deputy_a2])
    ss.cosign_respond(actor=current.cosigner_user, cosigner=CoSigner.objects.get(), accept=True)
    body = login(world.deputy_user_a).get(cosign_url(s)).content.decode()
    assert "议案须由 5 名以上代表联名（含领衔代表），目前已确认 2 名，还差 3 名" in body
    assert "已附议" in body


def test_submitted_suggestion_no_more_invitations(world, current, login):
    s = ss.suggestion_submit(actor=world.deputy_user_a, suggestion=draft(world, current))
    client = login(world.deputy_user_a)
    body = client.get(cosign_url(s), {"q": "陈"}).content.decode()
    assert "不能再邀请附议" in body and "陈附议" not in body
    resp = client.post(cosign_url(s), {"deputies": [current.deputy_a2.pk]}, follow=True)
    assert "建议已提交，不能再邀请附议。" in resp.content.decode()
    assert not CoSigner.objects.exists()
