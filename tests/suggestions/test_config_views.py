"""Configuration pages: 会次, 建议分类, 重点督办专题, 议案联名人数, 答复类别 — access, validation, audit."""

import io

import openpyxl
import pytest
from django.urls import reverse

from renda.core.models import AuditEvent
from renda.handling.models import CaseKind, ResultCategory
from renda.handling.policy import result_choices
from renda.suggestions import services as ss
from renda.suggestions.models import KeyTopic, MotionThreshold, SuggestionCategory, SuggestionSession
from tests.suggestions.conftest import draft


def u(name, *args):
    return reverse(f"console:{name}", args=args)


SESSION_DATA = {
    "title": "2026年闭会期间",
    "period": "interim",
    "year": "2026",
    "starts_on": "2026-01-20",
    "ends_on": "2026-12-31",
    "is_current": "on",
}

# --- 会次 ---------------------------------------------------------------------------------------


def test_staff_lists_their_congress_sessions(world, sw, login, django_assert_max_num_queries):
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        resp = client.get(u("suggestion_session_list"))
    body = resp.content.decode()
    assert "东风区人民代表大会" in body and "向阳区人民代表大会" not in body
    assert u("suggestion_session_edit", sw.session.pk) in body
    export = client.get(u("suggestion_session_list"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:2] == ["人大", "名称"] and sheet.max_row == 2


@pytest.mark.parametrize("who", ["deputy_user_a", "handler_a", "station_staff_a", "nobody"])
def test_sessions_refused_to_other_roles(world, sw, login, who):
    client = login(getattr(world, who))
    assert client.get(u("suggestion_session_list")).status_code == 403
    assert client.get(u("suggestion_session_edit", sw.session.pk)).status_code == 403
    assert (
        client.post(u("suggestion_session_create"), {**SESSION_DATA, "congress": world.congress_a.pk}).status_code
        == 403
    )


def test_staff_creates_a_session_audited(world, sw, login):
    resp = login(world.staff_a).post(u("suggestion_session_create"), {**SESSION_DATA, "congress": world.congress_a.pk})
    assert resp.status_code == 302
    s = SuggestionSession.objects.get(title="2026年闭会期间")
    assert s.congress == world.congress_a and s.is_current and s.period == "interim"
    assert AuditEvent.objects.filter(action="suggestions.suggestionsession.create", actor=world.staff_a).exists()


def test_session_validation_in_chinese(world, sw, login):
    client = login(world.staff_a)
    body = client.post(
        u("suggestion_session_create"), {**SESSION_DATA, "congress": world.congress_a.pk, "ends_on": "2025-01-01"}
    ).content.decode()
    assert "结束日期不能早于开始日期。" in body
    body = client.post(
        u("suggestion_session_create"), {**SESSION_DATA, "congress": world.congress_b.pk}
    ).content.decode()
    assert "所选人大不在您的管辖范围内。" in body
    dup = {**SESSION_DATA, "congress": world.congress_a.pk, "title": sw.session.title}
    assert "会次 已经存在" in client.post(u("suggestion_session_create"), dup).content.decode()
    assert not SuggestionSession.objects.filter(title="2026年闭会期间").exists()


def test_staff_edits_is_current(world, sw, login):
    data = {**SESSION_DATA, "title": sw.session.title, "period": "session"}
    resp = login(world.staff_a).post(u("suggestion_session_edit", sw.session.pk), data)
    assert resp.status_code == 302
    sw.session.refresh_from_db()
    assert sw.session.is_current and sw.session.congress == world.congress_a
    assert AuditEvent.objects.filter(action="suggestions.suggestionsession.update").exists()


def test_outsider_staff_gets_404_on_session(world, sw, login):
    client = login(world.staff_b)
    assert client.get(u("suggestion_session_edit", sw.session.pk)).status_code == 404
    data = {**SESSION_DATA, "title": "改"}
    assert client.post(u("suggestion_session_edit", sw.session.pk), data).status_code == 404
    assert client.post(u("suggestion_session_delete", sw.session.pk)).status_code == 404
    sw.session.refresh_from_db()
    assert sw.session.title != "改"


def test_delete_only_unused_sessions(world, sw, login):
    client = login(world.staff_a)
    draft(world, sw)
    resp = client.post(u("suggestion_session_delete", sw.session.pk), follow=True)
    assert "该会次已有代表建议，不能删除" in resp.content.decode()
    spare = SuggestionSession.objects.create(
        congress=world.congress_a, title="备用", period="interim", year=2027, starts_on="2027-01-01"
    )
    client.post(u("suggestion_session_delete", spare.pk))
    assert not SuggestionSession.objects.filter(pk=spare.pk).exists()
    assert AuditEvent.objects.filter(action="suggestions.suggestionsession.delete").exists()


# --- 建议分类 (platform-wide: admin writes, staff read) -----------------------------------------


def test_categories_read_only_for_staff(world, login):
    client = login(world.staff_a)
    body = client.get(u("suggestion_category_list")).content.decode()
    assert "城乡建设" in body and "只有系统管理员可以修改" in body and "新增分类" not in body
    cat = SuggestionCategory.objects.get(name="城乡建设")
    assert client.get(u("suggestion_category_create")).status_code == 403
    assert client.post(u("suggestion_category_edit", cat.pk), {"name": "改", "order": 1}).status_code == 403
    assert client.post(u("suggestion_category_toggle", cat.pk), {"active": "0"}).status_code == 403
    cat.refresh_from_db()
    assert cat.name == "城乡建设" and cat.is_active


@pytest.mark.parametrize("who", ["deputy_user_a", "handler_a"])
def test_categories_refused_to_other_roles(world, login, who):
    assert login(getattr(world, who)).get(u("suggestion_category_list")).status_code == 403


def test_admin_manages_categories(world, login):
    client = login(world.admin)
    assert client.post(u("suggestion_category_create"), {"name": "营商环境", "order": 20}).status_code == 302
    cat = SuggestionCategory.objects.get(name="营商环境")
    client.post(u("suggestion_category_edit", cat.pk), {"name": "优化营商环境", "order": 5})
    client.post(u("suggestion_category_toggle", cat.pk), {"active": "0"})
    cat.refresh_from_db()
    assert cat.name == "优化营商环境" and cat.order == 5 and not cat.is_active
    body = client.post(u("suggestion_category_create"), {"name": "城乡建设", "order": 1}).content.decode()
    assert "建议分类 已存在" in body or "已有名为“城乡建设”的分类" in body
    assert SuggestionCategory.objects.filter(name="城乡建设").count() == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"suggestions.suggestioncategory.create", "suggestions.suggestioncategory.deactivate"} <= actions


# --- 重点督办专题 -------------------------------------------------------------------------------


def test_staff_manages_key_topics(world, sw, login, django_assert_max_num_queries):
    client = login(world.staff_a)
    data = {"congress": world.congress_a.pk, "title": "老旧小区改造", "leader": "张主任", "note": ""}
    assert client.post(u("key_topic_create"), data).status_code == 302
    topic = KeyTopic.objects.get()
    assert topic.congress == world.congress_a
    client.post(u("key_topic_edit", topic.pk), {"title": "老旧小区改造提升", "leader": "张主任", "note": "年内完成"})
    client.post(u("key_topic_toggle", topic.pk), {"active": "0"})
    topic.refresh_from_db()
    assert topic.title == "老旧小区改造提升" and not topic.is_active
    with django_assert_max_num_queries(8):
        body = client.get(u("key_topic_list")).content.decode()
    assert "老旧小区改造提升" in body
    assert AuditEvent.objects.filter(action="suggestions.topic.create").exists()
    assert AuditEvent.objects.filter(action="suggestions.keytopic.update").exists()


def test_key_topic_validation_and_scope(world, sw, login):
    client = login(world.staff_a)
    body = client.post(u("key_topic_create"), {"congress": world.congress_b.pk, "title": "外区专题"}).content.decode()
    assert "所选人大不在您的管辖范围内。" in body
    body = client.post(u("key_topic_create"), {"congress": world.congress_a.pk, "title": ""}).content.decode()
    assert "这个字段是必填项" in body
    assert not KeyTopic.objects.exists()


def test_key_topics_outsiders(world, sw, login):
    topic = ss.key_topic_create(actor=world.staff_a, congress=world.congress_a, title="专题A")
    assert "专题A" not in login(world.staff_b).get(u("key_topic_list")).content.decode()
    assert login(world.staff_b).get(u("key_topic_edit", topic.pk)).status_code == 404
    assert login(world.staff_b).post(u("key_topic_toggle", topic.pk), {"active": "0"}).status_code == 404
    assert login(world.deputy_user_a).get(u("key_topic_list")).status_code == 403
    assert login(world.handler_a).post(u("key_topic_toggle", topic.pk), {"active": "0"}).status_code == 403
    topic.refresh_from_db()
    assert topic.is_active


# --- 议案联名人数 -------------------------------------------------------------------------------


def test_thresholds_admin_edits_staff_reads(world, login):
    body = login(world.staff_a).get(u("motion_threshold_list")).content.decode()
    assert "县级人大" in body and "只有系统管理员可以修改" in body
    assert u("motion_threshold_edit", "county") not in body
    assert login(world.staff_a).post(u("motion_threshold_edit", "county"), {"min_signers": 3}).status_code == 403
    client = login(world.admin)
    assert client.post(u("motion_threshold_edit", "county"), {"min_signers": 3}).status_code == 302
    assert MotionThreshold.objects.get(level="county").min_signers == 3
    assert ss.motion_threshold(world.congress_a) == 3
    body = client.post(u("motion_threshold_edit", "county"), {"min_signers": 0}).content.decode()
    assert "联名人数应在 1 至 500 人之间。" in body
    assert MotionThreshold.objects.get(level="county").min_signers == 3
    assert client.get(u("motion_threshold_edit", "galaxy")).status_code == 404
    assert login(world.deputy_user_a).get(u("motion_threshold_list")).status_code == 403


# --- 答复类别 -----------------------------------------------------------------------------------


def test_admin_disables_d_and_relabels(world, login):
    client = login(world.admin)
    d = ResultCategory.objects.get(kind=CaseKind.SUGGESTION, code="D")
    assert client.post(u("result_category_toggle", d.pk), {"active": "0"}).status_code == 302
    assert [code for code, _ in result_choices(CaseKind.SUGGESTION)] == ["A", "B", "C"]
    c = ResultCategory.objects.get(kind=CaseKind.SUGGESTION, code="C")
    data = {"label": "暂时难以解决", "creates_commitment": "on", "order": 3}
    assert client.post(u("result_category_edit", c.pk), data).status_code == 302
    c.refresh_from_db()
    assert c.label == "暂时难以解决" and c.creates_commitment
    assert AuditEvent.objects.filter(action="handling.resultcategory.deactivate").exists()


def test_last_result_category_stays_enabled(world, login):
    client = login(world.admin)
    rows = list(ResultCategory.objects.filter(kind=CaseKind.SUGGESTION).order_by("order"))
    for row in rows[:-1]:
        client.post(u("result_category_toggle", row.pk), {"active": "0"})
    resp = client.post(u("result_category_toggle", rows[-1].pk), {"active": "0"}, follow=True)
    assert "至少要保留一个启用的答复类别。" in resp.content.decode()
    assert ResultCategory.objects.filter(kind=CaseKind.SUGGESTION, is_active=True).count() == 1


def test_result_categories_read_only_for_staff(world, login):
    client = login(world.staff_a)
    body = client.get(u("result_category_list")).content.decode()
    assert "正在解决或列入计划" in body and "只有系统管理员可以修改" in body
    d = ResultCategory.objects.get(kind=CaseKind.SUGGESTION, code="D")
    assert client.post(u("result_category_toggle", d.pk), {"active": "0"}).status_code == 403
    assert client.get(u("result_category_edit", d.pk)).status_code == 403
    assert login(world.handler_a).get(u("result_category_list")).status_code == 403
    d.refresh_from_db()
    assert d.is_active
