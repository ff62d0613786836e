import logging
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from renda.core.models import AuditEvent
from renda.insight import services
from renda.insight.models import ClassifierModel, Hint, HintDecision, HintKind
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import OpinionInput, opinion_submit
from tests.insight.conftest import SUBJECTS, category, make_opinions, text_for


def test_cold_start_hints_from_taxonomy_names(world):
    opinion, _ = opinion_submit(
        actor=None,
        data=OpinionInput(content="我们小区门口的路灯照明坏了好几天，晚上很黑。", title="路灯照明坏了",
                          channel=Channel.WEB, division=world.town_a, consent=True),
    )  # fmt: skip
    hints = list(Hint.objects.filter(opinion=opinion, kind=HintKind.CATEGORY).order_by("rank"))
    assert hints, "a new deployment still gets category hints"
    assert hints[0].label == "城乡建设/市政设施/路灯照明"
    assert hints[0].source == "rules"
    assert 0 < hints[0].confidence <= 1
    assert [h.rank for h in hints] == list(range(1, len(hints) + 1)) and len(hints) <= 3


def test_cold_start_keyword_rules_suggest_agency_and_category(world):
    services.rule_save(
        actor=world.staff_a, congress=world.congress_a, keywords="井盖、下水道",
        category=category("城乡建设/市政设施/排水防涝"), agency=world.agency_a2, weight=2,
    )  # fmt: skip
    [opinion] = make_opinions(world, [("井盖丢了", "东风路的井盖不见了，下水道口很危险", None)])
    cats = list(Hint.objects.filter(opinion=opinion, kind=HintKind.CATEGORY).order_by("rank"))
    ags = list(Hint.objects.filter(opinion=opinion, kind=HintKind.AGENCY).order_by("rank"))
    assert cats[0].target_id == category("城乡建设/市政设施/排水防涝").pk
    assert ags[0].target_id == world.agency_a2.pk
    assert AuditEvent.objects.filter(action="insight.rule.create").exists()


def test_agency_names_give_cold_start_hints(world):
    [opinion] = make_opinions(world, [("城市管理问题", "占道经营没人管，请城市管理部门来看看", None)])
    ags = list(Hint.objects.filter(opinion=opinion, kind=HintKind.AGENCY).order_by("rank"))
    assert ags and ags[0].target_id == world.agency_a2.pk  # 东风区城市管理局
    assert all(h.target_id != world.agency_b.pk for h in ags)  # never another congress's agency


def test_hint_failure_never_blocks_a_submission(world, monkeypatch, caplog):
    def boom(opinions):
        raise RuntimeError("analysis down")

    monkeypatch.setattr(services, "hints_compute", boom)
    caplog.set_level(logging.ERROR, logger="renda.intake")
    opinion, created = opinion_submit(
        actor=None,
        data=OpinionInput(content="路灯不亮", channel=Channel.WEB, division=world.town_a, consent=True),
    )
    opinion.refresh_from_db()
    assert created and opinion.case_id is not None
    assert not Hint.objects.filter(opinion=opinion).exists()
    assert "hints_after_register" in caplog.text and "analysis down" in caplog.text


def test_broken_model_file_falls_back_to_rules(world, settings):
    rng = random.Random(3)
    items = [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(20)]
    make_opinions(world, items)
    model = services.model_train(actor=None, congress=world.congress_a, kind=HintKind.CATEGORY)
    (services.conf.model_dir() / model.file).write_bytes(b"not a model")
    services._LOADED.clear()
    [opinion] = make_opinions(world, [("路灯不亮", "晚上路灯坏了", None)])
    assert Hint.objects.filter(opinion=opinion, kind=HintKind.CATEGORY, source="rules").exists()


def test_not_enough_examples_keeps_rules(world):
    rng = random.Random(0)
    make_opinions(world, [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(5)])
    assert services.model_train(actor=None, congress=world.congress_a, kind=HintKind.CATEGORY) is None
    assert not ClassifierModel.objects.exists()


def test_model_takes_over_and_learns_from_corrections(world):
    rng = random.Random(7)
    items = [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(20)]  # 80 ≥ MIN (60 in tests)
    make_opinions(world, items)
    v1 = services.model_train(actor=world.staff_a, congress=world.congress_a, kind=HintKind.CATEGORY)
    assert v1 and v1.is_active and v1.version == 1 and v1.n_examples == 80
    assert v1.metrics["macro_f1"] > 0.9 and v1.metrics["folds"] == 5

    # A new kind of problem the model has never seen: staff correct the hint each time.
    target = category("医疗卫生/医保报销")
    new_text = [(f"医保报销难{i}", f"门诊医保报销比例太低，异地就医报销手续复杂{i}", None) for i in range(12)]
    fresh = make_opinions(world, new_text)
    assert Hint.objects.filter(opinion=fresh[0], kind=HintKind.CATEGORY, rank=1).get().source == "v1"
    for opinion in fresh:
        hint = Hint.objects.get(opinion=opinion, kind=HintKind.CATEGORY, rank=1)
        assert hint.target_id != target.pk
        services.hint_decide(actor=world.staff_a, opinion=opinion, kind=HintKind.CATEGORY, chosen_id=target.pk)
    assert HintDecision.objects.filter(accepted=False).count() == 12
    opinion = Opinion.objects.select_related("case").get(pk=fresh[0].pk)
    assert opinion.category == target and opinion.case.category_key == target.path

    result = services.models_retrain(actor=world.staff_a, congress=world.congress_a)
    assert result[HintKind.CATEGORY] == 2
    [similar] = make_opinions(world, [("异地医保报销", "医保报销手续太复杂，门诊报销比例低", None)])
    top = Hint.objects.get(opinion=similar, kind=HintKind.CATEGORY, rank=1)
    assert top.target_id == target.pk and top.source == "v2"
    assert ClassifierModel.objects.filter(is_active=True).count() == 1


def _lead(opinions, agency):
    from django.utils import timezone

    from renda.handling.models import Assignment, AssignmentRole

    now = timezone.now()
    Assignment.objects.bulk_create(
        Assignment(case_id=o.case_id, agency=agency, role=AssignmentRole.LEAD, sign_due_at=now, reply_due_at=now,
                   original_reply_due_at=now)
        for o in opinions
    )  # fmt: skip


def test_agency_model_learns_from_assignments_and_decisions(world):
    rng = random.Random(5)
    lamps = make_opinions(world, [(*text_for("城乡建设/市政设施/路灯照明", rng), None) for _ in range(35)])
    noise = make_opinions(world, [(*text_for("环境保护/噪声扰民", rng), None) for _ in range(35)])
    _lead(lamps, world.agency_a2)
    _lead(noise, world.agency_a)
    model = services.model_train(actor=None, congress=world.congress_a, kind=HintKind.AGENCY)
    assert model and sorted(model.classes) == sorted([str(world.agency_a.pk), str(world.agency_a2.pk)])
    [new] = make_opinions(world, [("路灯不亮", "夜里路灯熄灭，请修理", None)])
    top = Hint.objects.get(opinion=new, kind=HintKind.AGENCY, rank=1)
    assert top.target_id == world.agency_a2.pk and top.source == "v1"
    decision = services.hint_decide(
        actor=world.staff_a, opinion=new, kind=HintKind.AGENCY, chosen_id=world.agency_a2.pk
    )
    assert decision.accepted and decision.suggested_id == world.agency_a2.pk


def test_agency_decision_must_belong_to_the_congress(world):
    from django.core.exceptions import ValidationError

    [opinion] = make_opinions(world, [("路灯不亮", "晚上路灯坏了", None)])
    with pytest.raises(ValidationError, match="本级人大"):
        services.hint_decide(actor=world.staff_a, opinion=opinion, kind=HintKind.AGENCY, chosen_id=world.agency_b.pk)


def test_hints_for_a_big_batch_cost_few_queries(world):
    rng = random.Random(2)
    opinions = make_opinions(world, [(*text_for(p, rng), None) for p in SUBJECTS for _ in range(25)], register=True)
    with CaptureQueriesContext(connection) as ctx:
        services.hints_compute(opinions)
    assert len(ctx.captured_queries) <= 15
    assert Hint.objects.filter(opinion__in=opinions, kind=HintKind.CATEGORY, rank=1).count() == 100


def test_retrain_tick_runs_once_per_period(world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    rng = random.Random(4)
    make_opinions(world, [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(20)])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retrain_tick(now) == {"insight_retrain": 1}
    assert ClassifierModel.objects.filter(congress=world.congress_a, kind=HintKind.CATEGORY, is_active=True).exists()
    assert services.retrain_tick(now + timezone.timedelta(days=1)) == {}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retrain_tick(now + timezone.timedelta(days=8)) == {"insight_retrain": 1}
    assert ClassifierModel.objects.filter(congress=world.congress_a, kind=HintKind.CATEGORY).count() == 2
