import random

import pytest
from django.urls import reverse

from renda.handling.models import Case, CaseState
from renda.insight import services
from renda.insight.models import ClassifierModel, HintDecision, HintKind, KeywordRule
from renda.opinions.models import Opinion
from tests.insight.conftest import SUBJECTS, category, make_opinions, text_for


@pytest.fixture
def lamp(world):
    [opinion] = make_opinions(world, [("路灯不亮", "长安街道路灯坏了好几天，晚上很黑", None)], deputy=world.deputy_a)
    return opinion


def _decide(client, opinion, kind, chosen, **extra):
    return client.post(
        reverse("console:insight_decide", args=[opinion.pk]),
        {"insight_kind": kind, "insight_chosen": str(chosen), **extra},
        HTTP_HX_REQUEST="true",
    )


def test_inbox_rows_show_hints_with_bounded_queries(world, login, django_assert_max_num_queries):
    rng = random.Random(1)
    make_opinions(world, [(*text_for(p, rng), None) for p in SUBJECTS for _ in range(8)])
    client = login(world.staff_a)
    client.get(reverse("console:opinion_list"))  # warm caches (session, content types)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("console:opinion_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="insight-hints"') == 30  # one per row of the page
    assert "分类建议" in html and "insight.js" in html


def test_triage_row_offers_agency_accept(world, login, lamp):
    Case.objects.filter(pk=lamp.case_id).update(state=CaseState.ACCEPTED)
    html = login(world.staff_a).get(reverse("console:triage")).content.decode()
    assert f'id="insight-{lamp.pk}"' in html
    assert "承办建议" in html and "东风区住房和城乡建设局" in html
    assert 'hx-params="insight_kind,insight_chosen,insight_detail,insight_form"' in html


def test_owner_accepts_category_in_one_click(world, login, lamp):
    lamp_cat = category("城乡建设/市政设施/路灯照明")
    response = _decide(login(world.staff_a), lamp, "category", lamp_cat.pk)
    assert response.status_code == 200
    assert "已采纳" in response.content.decode()
    lamp.refresh_from_db()
    assert lamp.category == lamp_cat
    decision = HintDecision.objects.get()
    assert decision.accepted and decision.actor == world.staff_a and decision.suggested_id == lamp_cat.pk


def test_member_deputy_corrects_category_but_cannot_pick_agency(world, login, lamp):
    client = login(world.deputy_user_a)
    fragment = client.get(reverse("console:insight_correct", args=[lamp.pk]) + "?kind=category")
    assert fragment.status_code == 200 and "城乡建设/市政设施/排水防涝" in fragment.content.decode()
    other = category("城乡建设/市政设施/排水防涝")
    response = client.post(
        reverse("console:insight_decide", args=[lamp.pk]),
        {"insight_kind": "category", f"insight_chosen_{lamp.pk}": str(other.pk)},
    )
    assert "已更正" in response.content.decode()
    assert not HintDecision.objects.get().accepted
    assert _decide(client, lamp, "agency", world.agency_a.pk).status_code == 403
    assert client.get(reverse("console:insight_correct", args=[lamp.pk]) + "?kind=agency").status_code == 403


def test_outsider_gets_404_and_handler_403(world, login, lamp):
    assert _decide(login(world.staff_b), lamp, "category", 1).status_code == 404
    assert login(world.staff_b).get(reverse("console:insight_correct", args=[lamp.pk])).status_code == 404
    assert _decide(login(world.handler_a), lamp, "category", 1).status_code == 403
    assert not HintDecision.objects.exists()


def test_agency_accept_marks_the_batch_form(world, login, lamp):
    response = _decide(login(world.staff_a), lamp, "agency", world.agency_a.pk, insight_form="1")
    html = response.content.decode()
    assert f'data-insight-lead="{world.agency_a.pk}"' in html
    assert HintDecision.objects.get(kind=HintKind.AGENCY).chosen_id == world.agency_a.pk


def test_invalid_choice_shows_chinese_error(world, login, lamp):
    response = _decide(login(world.staff_a), lamp, "agency", world.agency_b.pk)
    assert "请选择本级人大的有效承办单位" in response.content.decode()
    response = _decide(login(world.staff_a), lamp, "category", "")
    assert "请选择一项" in response.content.decode()


def test_detail_page_panel(world, login, lamp):
    html = login(world.staff_a).get(reverse("console:opinion_detail", args=[lamp.pk])).content.decode()
    assert "研判建议" in html and "依据：关键词与分类名称" in html


def test_models_page_and_retrain_permissions(world, login):
    rng = random.Random(9)
    make_opinions(world, [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(20)])
    owner = login(world.staff_a)
    assert owner.get(reverse("console:insight_models")).status_code == 200
    response = owner.post(reverse("console:insight_retrain"), {"congress": world.congress_a.pk})
    assert response.status_code == 302
    model = ClassifierModel.objects.get(congress=world.congress_a, kind=HintKind.CATEGORY)
    html = owner.get(reverse("console:insight_models")).content.decode()
    assert "宏平均 F1" in html and "使用中" in html and "v1" in html
    # member: a deputy has no access; outsider: another county's staff neither see nor retrain it
    assert login(world.deputy_user_a).get(reverse("console:insight_models")).status_code == 403
    outsider = login(world.staff_b)
    assert "东风区人民代表大会" not in outsider.get(reverse("console:insight_models")).content.decode()
    assert outsider.post(reverse("console:insight_retrain"), {"congress": world.congress_a.pk}).status_code == 404
    assert outsider.post(reverse("console:insight_model_activate", args=[model.pk])).status_code == 404


def test_rules_page_create_and_delete(world, login):
    owner = login(world.staff_a)
    response = owner.post(
        reverse("console:insight_rules"),
        {"congress": world.congress_a.pk, "keywords": "井盖，下水道", "agency": world.agency_a2.pk, "weight": "2"},
    )
    assert response.status_code == 302
    rule = KeywordRule.objects.get()
    assert rule.keyword_list == ["井盖", "下水道"] and rule.agency == world.agency_a2
    response = owner.post(reverse("console:insight_rules"), {"congress": world.congress_a.pk, "keywords": "x"})
    assert "请至少选择建议分类或建议承办单位之一" in response.content.decode()
    assert KeywordRule.objects.count() == 1
    assert login(world.staff_b).post(reverse("console:insight_rule_delete", args=[rule.pk])).status_code == 404
    assert login(world.station_staff_a).get(reverse("console:insight_rules")).status_code == 403
    assert login(world.staff_a).post(reverse("console:insight_rule_delete", args=[rule.pk])).status_code == 302
    assert not KeywordRule.objects.exists()


def test_spam_is_not_analysed(world):
    [opinion] = make_opinions(world, [("路灯不亮", "路灯坏了", None)], register=False)
    Opinion.objects.filter(pk=opinion.pk).update(is_spam=True)
    from renda.opinions import intake

    intake.opinions_register_all()
    assert not opinion.insight_hints.exists()
    assert services.hints_compute([]) == 0
