"""The demo's 研判: keywords of the newest opinions, quality checks of the newest agency replies, the
last three monthly analyses of 东风区 (the county of the scoped demo accounts) and last month's of the city.

The same checker and builder as production (``renda.analysis.text`` / ``monthly``), written in bulk.
To stay within the demo's time budget only the newest 10,000 × scale opinions and 1,500 × scale
replies are analysed here; the worker's tick catches up on the rest (500 opinions' keywords and
500 replies per tick).
"""

import datetime
import random
from collections import Counter

from django.utils import timezone

from renda.analysis import monthly, text
from renda.analysis.models import Flag, MonthlyReport, OpinionTerms, ReplyCheck
from renda.analysis.services import late_working_days, previous_month, template_min_cases
from renda.core.workdays import working_days_between
from renda.handling.models import Reply
from renda.opinions.models import Opinion
from renda.registry.models import Congress, CongressLevel

LABEL = "研判分析"
COUNT_LABELS = {"opinion_terms": "意见关键词", "reply_checks": "答复质量检查", "monthly_reports": "月度分析"}  # the demo summary's words
MONTHS = 3  # full months analysed before the current one
DEMO_COUNTY_CODE = "990102"


def _since(now: datetime.datetime) -> datetime.datetime:
    month = timezone.localdate(now).replace(day=1)
    for _ in range(MONTHS):
        month = previous_month(month)
    return monthly.month_bounds(month)[0]


def _terms(since: datetime.datetime, scale: float) -> int:
    cap = max(200, int(10000 * scale))
    opinions = (
        Opinion.objects.filter(created_at__gte=since, case__isnull=False, is_spam=False)
        .select_related("category")
        .only("pk", "case_id", "created_at", "title", "content", "category__path")
        .order_by("-created_at")[:cap]
    )
    rows = [
        OpinionTerms(
            opinion_id=o.pk,
            case_id=o.case_id,
            created_at=o.created_at,
            category=(o.category.path.split("/")[0] if o.category_id else "")[:100],
            terms=text.terms(f"{o.title}。{o.content}"),
        )
        for o in opinions.iterator(chunk_size=2000)
    ]
    OpinionTerms.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _checks(since: datetime.datetime, scale: float) -> int:
    cap = max(100, int(1500 * scale))
    replies = list(
        Reply.objects.filter(assignment__isnull=False, sent_back=False, at__gte=since)
        .select_related("case", "case__opinion", "assignment")
        .order_by("-at")[:cap]
    )
    hashes: dict[str, set[int]] = {}
    for r in replies:
        hashes.setdefault(text.text_hash(r.content), set()).add(r.case_id)
    need = template_min_cases()
    rows = []
    for r in replies:
        opinion = getattr(r.case, "opinion", None) if r.case.kind == "opinion" else None
        title, body = (opinion.title or r.case.title, opinion.content) if opinion else (r.case.title, "")
        digest = text.text_hash(r.content)
        days = working_days_between(r.assignment.assigned_at, r.at)
        verdict = text.check(
            body,
            r.content,
            title=title,
            late=r.at > r.assignment.reply_due_at if r.assignment.reply_due_at else days > late_working_days(),
            template=len(hashes[digest] - {r.case_id}) >= need,
        )
        rows.append(
            ReplyCheck(
                reply=r,
                case_id=r.case_id,
                agency_id=r.assignment.agency_id,
                missed=verdict.missed,
                key_points=verdict.key_points,
                text_hash=verdict.text_hash,
                substance_chars=verdict.substance_chars,
                working_days=days,
                score=verdict.score,
                flagged=bool(verdict.flags),
                replied_at=r.at,
                **{flag: flag in verdict.flags for flag in Flag.values},
            )
        )
    ReplyCheck.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _reports(now: datetime.datetime) -> int:
    """The last three months of 东风区 and the last month of the city."""
    county = Congress.objects.filter(division__code=DEMO_COUNTY_CODE, is_active=True).first()
    city = Congress.objects.filter(level=CongressLevel.CITY, is_active=True).order_by("pk").first()
    month = timezone.localdate(now).replace(day=1)
    made = []
    for n in range(MONTHS):
        month = previous_month(month)
        for congress in (county, city) if n == 0 else (county,):
            if congress is not None:
                data = monthly.build(congress=congress, month=month)
                made.append(MonthlyReport(congress=congress, month=month, generated_at=now, data=data))
    MonthlyReport.objects.bulk_create(made, ignore_conflicts=True)
    return len(made)


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    since = _since(now)
    text.load_places(force=True)
    counts = Counter()
    counts["opinion_terms"] = _terms(since, scale)
    counts["reply_checks"] = _checks(since, scale)
    counts["monthly_reports"] = _reports(now)
    say(
        f"  研判分析：意见关键词 {counts['opinion_terms']} 条，答复质量检查 {counts['reply_checks']} 条，"
        f"月度分析 {counts['monthly_reports']} 份"
    )
    return dict(counts)
