"""Demo 研判: a few keyword rules, a trained model for the demo county, hints for what waits in triage.

The county of the ``county_staff`` account gets category and agency models trained on its own
categorised and assigned demo opinions (so its triage shows model hints, "模型 v1"); the other
counties stay on the cold-start rules ("关键词与分类名称"), as a new deployment would.
"""

import datetime
import random

from renda.core.models import User
from renda.handling.models import CaseState
from renda.insight import services
from renda.insight.models import HintKind, KeywordRule
from renda.opinions.models import Category, Opinion
from renda.registry.models import Agency

LABEL = "研判建议"
COUNT_LABELS = {"rules": "关键词规则", "models": "研判模型", "hinted_opinions": "有提示的意见", "hints": "提示"}  # the demo summary's words

# (keywords, category name, agency name fragment): platform-wide and for the demo county.
RULES = [
    ("井盖、下水道、污水冒溢", "排水防涝", "城市管理"),
    ("共享单车、电动车乱停", "停车管理", "公安"),
    ("欠薪、拖欠工资、讨薪", "拖欠工资", "人力资源"),
    ("电梯困人、电梯故障", "电梯安全", "市场监督"),
]
HINT_LIMIT = 5_000  # the most recent opinions waiting in triage (or for acceptance) get hints now


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    staff = User.objects.filter(username="county_staff").select_related("congress__division").first()
    congress = staff.congress if staff else None
    rules = _rules(congress)
    models = 0
    if congress is not None:
        say(f"  训练{congress.name}的分类与承办单位模型…")
        for kind in HintKind.values:
            if services.model_train(actor=None, congress=congress, kind=kind, cv_max=1500):
                models += 1
    waiting = list(
        Opinion.objects.filter(
            case__state__in=[CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.REOPENED], is_spam=False
        )
        .order_by("-id")
        .values_list("id", flat=True)[:HINT_LIMIT]
    )
    hints = 0
    for start in range(0, len(waiting), 1000):
        batch = list(
            Opinion.objects.filter(pk__in=waiting[start : start + 1000]).only("id", "title", "content", "case_id")
        )
        hints += services.hints_compute(batch)
    return {"rules": rules, "models": models, "hinted_opinions": len(waiting), "hints": hints}


def _rules(congress) -> int:
    created = 0
    for keywords, category_name, agency_part in RULES:
        category = Category.objects.filter(name=category_name, is_active=True, taxonomy__is_default=True).first()
        agency = (
            Agency.objects.filter(congress=congress, name__contains=agency_part, is_active=True).first()
            if congress
            else None
        )
        if category is None and agency is None:
            continue
        KeywordRule.objects.create(
            congress=congress if agency else None, keywords=keywords, category=category, agency=agency, weight=1.5
        )
        created += 1
    return created
