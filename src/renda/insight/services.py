"""Writes of 研判: computing hints, staff decisions on them, training models, keyword rules.

``hints_compute`` runs for every registered batch (``renda.opinions.intake.after_register``) and
never raises into intake. A congress's trained model is used once it exists (it is only trained
with at least ``RENDA_INSIGHT_MIN_EXAMPLES`` labelled examples over two classes); before that the
cold-start rules (taxonomy names + keyword rules) answer.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from renda.core.audit import audit_record
from renda.core.models import User
from renda.handling.models import AssignmentRole, Case, CaseKind
from renda.insight import conf
from renda.insight.models import ClassifierModel, Hint, HintDecision, HintKind, KeywordRule, TrainingRun
from renda.insight.rules import RuleScorer
from renda.insight.textclf import ALGORITHM, Classifier, cross_validate, document, train
from renda.opinions.models import Category, Opinion
from renda.registry.models import Agency, Congress

logger = logging.getLogger("renda.insight")

TOP = 3
CV_MAX = 4000  # examples the quality measurement of a retrained model uses (a stratified sample above that)


# --- Models on disk, loaded once per process ------------------------------------------------------

_LOADED: dict[tuple[int, int], Classifier] = {}


def load_classifier(model: ClassifierModel) -> Classifier | None:
    key = (model.pk, model.version)
    if key not in _LOADED:
        path = conf.model_dir() / model.file
        try:
            import joblib  # here, not at import: it costs every process ~150 ms at start-up

            _LOADED[key] = joblib.load(path)
        except Exception:  # a missing or damaged file: the rules answer instead
            logger.exception("insight model file %s unreadable", path)
            return None
    return _LOADED[key]


def active_models(congress_ids: Iterable[int]) -> dict[tuple[int, str], ClassifierModel]:
    rows = ClassifierModel.objects.filter(congress_id__in=set(congress_ids), is_active=True)
    return {(m.congress_id, m.kind): m for m in rows}


# --- Hints --------------------------------------------------------------------------------------


def _taxonomy_categories(congress: Congress | None) -> list[Category]:
    from renda.opinions.taxonomy import default_taxonomy

    taxonomy = default_taxonomy(congress.division if congress else None)
    return list(Category.objects.filter(taxonomy=taxonomy, is_active=True).only("pk", "name", "path", "parent_id"))


def rule_scorer(congress: Congress | None) -> RuleScorer:
    agencies = list(Agency.objects.filter(congress=congress, is_active=True).only("pk", "name")) if congress else []
    rules = KeywordRule.objects.filter(is_active=True).filter(
        Q(congress__isnull=True) | Q(congress=congress) if congress else Q(congress__isnull=True)
    )
    return RuleScorer(categories=_taxonomy_categories(congress), agencies=agencies, rules=list(rules))


def hints_compute(opinions: list[Opinion]) -> int:
    """Compute (or recompute) the top-3 category and agency hints of ``opinions``; returns the hints written."""
    opinions = [o for o in opinions if o.pk]
    if not opinions:
        return 0
    case_congress = dict(
        Case.objects.filter(pk__in=[o.case_id for o in opinions if o.case_id]).values_list("pk", "congress_id")
    )
    groups: dict[int | None, list[Opinion]] = defaultdict(list)
    for o in opinions:
        groups[case_congress.get(o.case_id)].append(o)
    congresses = Congress.objects.select_related("division").in_bulk([c for c in groups if c])
    models = active_models(congresses)
    now = timezone.now()
    rows: list[Hint] = []
    for congress_id, members in groups.items():
        congress = congresses.get(congress_id)
        docs = [document(o.title, o.content) for o in members]
        texts = [f"{o.title} {o.content}" for o in members]
        scorer = rule_scorer(congress)
        category_hints = _model_hints(models.get((congress_id, HintKind.CATEGORY)), docs, scorer.category_label)
        if category_hints is None:
            category_hints = [(scorer.top(scorer.category_scores(t)), "rules", None) for t in texts]
        agency_hints = _model_hints(models.get((congress_id, HintKind.AGENCY)), docs, scorer.agency_label)
        if agency_hints is None:
            agency_hints = [
                (scorer.top(scorer.agency_scores(t, category_ids=[pk for pk, _ in cats[0]])), "rules", None)
                for t, cats in zip(texts, category_hints, strict=True)
            ]
        for o, (cats, c_source, c_model), (ags, a_source, a_model) in zip(
            members, category_hints, agency_hints, strict=True
        ):
            for kind, items, source, model, labels in (
                (HintKind.CATEGORY, cats, c_source, c_model, scorer.category_label),
                (HintKind.AGENCY, ags, a_source, a_model, scorer.agency_label),
            ):
                for rank, (target, confidence) in enumerate(items, start=1):
                    rows.append(
                        Hint(
                            opinion_id=o.pk, kind=kind, rank=rank, target_id=target, label=labels[target][:300],
                            confidence=round(float(confidence), 4), source=source, model=model, created_at=now,
                        )
                    )  # fmt: skip
    Hint.objects.filter(opinion_id__in=[o.pk for o in opinions]).delete()
    Hint.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _model_hints(model: ClassifierModel | None, docs: list[str], labels: dict[int, str]):
    """[(top [(target, confidence)], source, model)] per doc, or None when there is no usable model."""
    if model is None:
        return None
    clf = load_classifier(model)
    if clf is None:
        return None
    out = []
    for ranked in clf.top(docs, k=TOP + 3):  # a few extra: classes no longer active are skipped
        items = [(int(c), p) for c, p in ranked if int(c) in labels][:TOP]
        out.append((items, model.label, model))
    return out


def hints_after_register(opinions: list[Opinion]) -> None:
    """The intake hook: runs inside intake's savepoint; a failure is logged there and never blocks intake."""
    hints_compute([o for o in opinions if not o.is_spam])


# --- Decisions ------------------------------------------------------------------------------------


@transaction.atomic
def opinion_categorise(*, actor: User, opinion: Opinion, category: Category) -> Opinion:
    """File ``opinion`` under ``category`` (and its case under the same path), audited."""
    if not category.is_active:
        raise ValidationError("该分类已停用，请选择其他分类。")
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    old = Category.objects.filter(pk=locked.category_id).values_list("path", flat=True).first()
    before = {"分类": old or ""}
    locked.category = category
    locked.save(update_fields=["category"])
    if locked.case_id:
        Case.objects.filter(pk=locked.case_id).update(category_key=category.path[:200])
    audit_record(
        actor=actor, action="insight.opinion.categorise", target=locked, before=before, after={"分类": category.path}
    )
    opinion.category = category
    return locked


@transaction.atomic
def hint_decide(*, actor: User, opinion: Opinion, kind: str, chosen_id: int) -> HintDecision:
    """Accept a hint (``chosen_id`` is one of the suggestions) or correct it (any other valid target).

    A category decision files the opinion under the chosen category; an agency decision is recorded
    (the assignment itself stays with 交办). Either way the decision is training data.
    """
    if kind not in HintKind.values:
        raise ValidationError("未知的建议类型。")
    hints = list(Hint.objects.filter(opinion=opinion, kind=kind).order_by("rank"))
    if kind == HintKind.CATEGORY:
        category = Category.objects.filter(pk=chosen_id, is_active=True).first()
        if category is None:
            raise ValidationError("请选择一个有效的分类。")
        opinion_categorise(actor=actor, opinion=opinion, category=category)
        label = category.path
    else:
        congress_id = Case.objects.filter(pk=opinion.case_id).values_list("congress_id", flat=True).first()
        agency = Agency.objects.filter(pk=chosen_id, is_active=True, congress_id=congress_id).first()
        if agency is None:
            raise ValidationError("请选择本级人大的有效承办单位。")
        label = agency.name
    suggested = [h.target_id for h in hints]
    decision = HintDecision.objects.create(
        opinion=opinion, kind=kind, suggested_id=suggested[0] if suggested else None, chosen_id=chosen_id,
        accepted=chosen_id in suggested, source=hints[0].source if hints else "", actor=actor,
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=f"insight.hint.{'accept' if decision.accepted else 'correct'}",
        target=opinion,
        after={"类型": HintKind(kind).label, "选定": label, "建议": hints[0].label if hints else ""},
    )
    return decision


# --- Training -----------------------------------------------------------------------------------


def training_data(congress: Congress, kind: str) -> tuple[list[str], list[str]]:
    """(docs, labels) from the congress's history: opinions' categories, or the lead agency of their cases.

    Staff decisions are part of it: a category decision sets the opinion's category; an agency
    decision overrides (or stands in for) the case's lead agency.
    """
    limit = conf.max_examples()
    if kind == HintKind.CATEGORY:
        rows = (
            Opinion.objects.filter(case__congress=congress, category__isnull=False, category__is_active=True)
            .filter(is_spam=False)
            .order_by("-id")
            .values_list("title", "content", "category_id")[:limit]
        )
        return [document(t, c) for t, c, _ in rows], [str(k) for _, _, k in rows]
    from renda.handling.models import Assignment

    decided = dict(
        HintDecision.objects.filter(kind=HintKind.AGENCY, opinion__case__congress=congress)
        .order_by("at")
        .values_list("opinion_id", "chosen_id")
    )
    labels: dict[int, int] = {}
    leads = (
        Assignment.objects.filter(case__congress=congress, case__kind=CaseKind.OPINION, role=AssignmentRole.LEAD)
        .order_by("-case_id", "round", "id")
        .values_list("case__opinion__id", "agency_id")[: limit * 2]
    )
    for opinion_id, agency_id in leads:
        if opinion_id is not None:
            labels.setdefault(opinion_id, agency_id)
    labels.update(decided)
    active = set(Agency.objects.filter(congress=congress, is_active=True).values_list("pk", flat=True))
    ids = sorted((pk for pk, a in labels.items() if a in active), reverse=True)[:limit]
    texts = dict((pk, (t, c)) for pk, t, c in Opinion.objects.filter(pk__in=ids).values_list("pk", "title", "content"))
    ids = [pk for pk in ids if pk in texts]
    return [document(*texts[pk]) for pk in ids], [str(labels[pk]) for pk in ids]


def _sample(docs: list[str], labels: list[str], size: int) -> tuple[list[str], list[str]]:
    if len(docs) <= size:
        return docs, labels
    from sklearn.model_selection import train_test_split

    counts = defaultdict(int)
    for y in labels:
        counts[y] += 1
    stratify = labels if min(counts.values()) >= 2 else None
    d, _, y, _ = train_test_split(docs, labels, train_size=size, random_state=0, stratify=stratify)
    return list(d), list(y)


def model_train(*, actor: User | None, congress: Congress, kind: str, cv_max: int = CV_MAX) -> ClassifierModel | None:
    """Train a new version on the congress's history, measure it by cross-validation, make it the active one.

    Returns None (nothing changes: the rules, or the previous model, keep answering) when there are
    fewer than ``RENDA_INSIGHT_MIN_EXAMPLES`` examples or fewer than two classes.
    """
    docs, labels = training_data(congress, kind)
    if len(docs) < conf.min_examples() or len(set(labels)) < 2:
        logger.info("insight: %s %s has %s examples, not training", congress, kind, len(docs))
        return None
    started = time.perf_counter()
    clf = train(docs, labels)
    seconds = time.perf_counter() - started
    cv_docs, cv_labels = _sample(docs, labels, cv_max)
    try:
        metrics = cross_validate(cv_docs, cv_labels, folds=5).as_dict()
    except ValueError as exc:
        metrics = {"error": str(exc)}
    metrics.pop("per_class", None) if len(set(labels)) > 40 else None
    directory = conf.model_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"insight-{congress.pk}-{kind}-{uuid.uuid4().hex[:12]}.joblib"
    import joblib

    joblib.dump(clf, directory / name, compress=3)
    with transaction.atomic():
        last = (
            ClassifierModel.objects.select_for_update()
            .filter(congress=congress, kind=kind)
            .order_by("-version")
            .first()
        )
        ClassifierModel.objects.filter(congress=congress, kind=kind, is_active=True).update(is_active=False)
        model = ClassifierModel.objects.create(
            congress=congress, kind=kind, version=(last.version + 1) if last else 1, algorithm=ALGORITHM,
            seconds=round(seconds, 3), n_examples=len(docs), classes=clf.classes, metrics=metrics,
            file=name, is_active=True, trained_by=actor if actor and actor.pk else None,
        )  # fmt: skip
        audit_record(
            actor=actor,
            action="insight.model.train",
            target=model,
            after={"人大": congress.name, "样本数": len(docs), "macro_f1": metrics.get("macro_f1")},
        )
    return model


def models_retrain(*, actor: User | None, congress: Congress) -> dict[str, int | None]:
    """Retrain both kinds for ``congress``; returns the new versions (None: not enough data)."""
    out: dict[str, int | None] = {}
    for kind in HintKind.values:
        model = model_train(actor=actor, congress=congress, kind=kind)
        out[kind] = model.version if model else None
    TrainingRun.objects.update_or_create(
        congress=congress, defaults={"last_run_at": timezone.now(), "last_result": out}
    )
    return out


@transaction.atomic
def model_activate(*, actor: User, model: ClassifierModel) -> ClassifierModel:
    """Go back to (or forward to) another trained version."""
    ClassifierModel.objects.filter(congress=model.congress, kind=model.kind, is_active=True).update(is_active=False)
    ClassifierModel.objects.filter(pk=model.pk).update(is_active=True)
    model.is_active = True
    audit_record(actor=actor, action="insight.model.activate", target=model, after={"版本": model.version})
    return model


def congresses_to_retrain(now) -> list[int]:
    """Congresses with enough labelled opinions whose last training is older than the period."""
    days = conf.retrain_days()
    if days <= 0:
        return []
    ready = (
        Opinion.objects.filter(category__isnull=False, case__congress__isnull=False)
        .values("case__congress")
        .annotate(n=Count("id"))
        .filter(n__gte=conf.min_examples())
        .values_list("case__congress", flat=True)
    )
    cutoff = now - timezone.timedelta(days=days)
    recent = set(TrainingRun.objects.filter(last_run_at__gt=cutoff).values_list("congress_id", flat=True))
    return [pk for pk in ready if pk not in recent]


def retrain_tick(now) -> dict[str, int]:
    """The worker's tick hook: claim each due congress (a run row stamped first) and queue its retraining."""
    from renda.insight.tasks import retrain

    queued = 0
    for congress_id in congresses_to_retrain(now):
        with transaction.atomic():
            run, _ = TrainingRun.objects.select_for_update().get_or_create(congress_id=congress_id)
            cutoff = now - timezone.timedelta(days=conf.retrain_days())
            if run.last_run_at and run.last_run_at > cutoff:
                continue
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
        transaction.on_commit(lambda pk=congress_id: retrain.enqueue(pk, None))
        queued += 1
    return {"insight_retrain": queued} if queued else {}


# --- Keyword rules ----------------------------------------------------------------------------------


@transaction.atomic
def rule_save(
    *,
    actor: User,
    rule: KeywordRule | None = None,
    congress: Congress | None,
    keywords: str,
    category: Category | None,
    agency: Agency | None,
    weight: float = 1.0,
    is_active: bool = True,
) -> KeywordRule:
    from renda.insight.rules import split_keywords

    words = split_keywords(keywords)
    if not words:
        raise ValidationError("请填写至少一个关键词。")
    if category is None and agency is None:
        raise ValidationError("请至少选择建议分类或建议承办单位之一。")
    if not 0 < weight <= 100:
        raise ValidationError("权重须在 0 到 100 之间。")
    if agency is not None and congress is not None and agency.congress_id != congress.pk:
        raise ValidationError("承办单位须属于本级人大。")
    created = rule is None
    rule = rule or KeywordRule(created_by=actor)
    rule.congress, rule.keywords, rule.category, rule.agency = congress, "、".join(words)[:500], category, agency
    rule.weight, rule.is_active = weight, is_active
    rule.save()
    audit_record(
        actor=actor, action=f"insight.rule.{'create' if created else 'update'}", target=rule,
        after={"关键词": rule.keywords, "分类": category.path if category else "", "承办单位": agency.name if agency else "",
               "权重": weight, "启用": is_active},
    )  # fmt: skip
    return rule


@transaction.atomic
def rule_delete(*, actor: User, rule: KeywordRule) -> None:
    audit_record(actor=actor, action="insight.rule.delete", target=rule, before={"关键词": rule.keywords})
    rule.delete()


def decisions_count(congress: Congress) -> int:
    return HintDecision.objects.filter(opinion__case__congress=congress).count()
