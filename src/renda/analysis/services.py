"""Writes of 研判: reply checks, opinion keywords, monthly analyses (all derived, all re-runnable).

* ``reply_checks_run``: checks every reply (agency or direct answer) not yet checked (the worker's tick; never inside
  the reply's own transaction, so a reply is never slowed down or blocked by its check).
* ``opinion_terms_store``: keywords of newly registered opinions (``intake.after_register``).
* ``monthly_report_generate``: one congress's month (on demand from the page, and for last month on
  every congress's first tick of a month, through ``monthly_reports_due``).
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from renda.analysis import monthly, text
from renda.analysis.models import Flag, MonthlyReport, OpinionTerms, ReplyCheck
from renda.core.access import has_perm
from renda.core.audit import audit_record
from renda.core.models import User
from renda.core.workdays import working_days_between
from renda.handling.models import Case, Reply
from renda.opinions.models import Opinion
from renda.registry.models import Congress

logger = logging.getLogger("renda.analysis")


TERMS_PER_TICK = 500  # back-filled opinion keywords per tick (the trends' 13 months, newest first)


def template_min_cases() -> int:
    """A reply's normalised text seen in at least this many other cases' replies is a reused template."""
    return int(getattr(settings, "RENDA_REPLY_TEMPLATE_CASES", 2))


def late_working_days() -> int:
    """Without an assignment deadline: a reply later than this many working days counts as late."""
    return int(getattr(settings, "RENDA_REPLY_LATE_WORKING_DAYS", 15))


def _message(case: Case) -> tuple[str, str]:
    """(title, text) the citizen or deputy wrote."""
    opinion = getattr(case, "opinion", None) if case.kind == "opinion" else None
    if opinion is not None:
        return opinion.title or case.title, opinion.content
    suggestion = getattr(case, "suggestion", None)
    body = getattr(suggestion, "content", "") or getattr(suggestion, "body", "") or ""
    return case.title, body


def _check_one(reply: Reply, hashes_seen: dict[str, set[int]]) -> ReplyCheck:
    case = reply.case
    title, body = _message(case)
    digest = text.text_hash(reply.content)
    other_cases = hashes_seen.get(digest, set()) - {case.pk}
    late = False
    start = case.created_at
    due = reply.assignment.reply_due_at if reply.assignment_id else None
    if reply.assignment_id:
        start = reply.assignment.assigned_at
    days = working_days_between(start, reply.at)
    late = reply.at > due if due else days > late_working_days()
    verdict = text.check(body, reply.content, title=title, late=late, template=len(other_cases) >= template_min_cases())
    check, _ = ReplyCheck.objects.update_or_create(
        reply=reply,
        defaults={
            "case": case,
            "agency_id": reply.assignment.agency_id if reply.assignment_id else None,
            **{flag: flag in verdict.flags for flag in Flag.values},
            "missed": verdict.missed,
            "key_points": verdict.key_points,
            "text_hash": verdict.text_hash,
            "substance_chars": verdict.substance_chars,
            "working_days": days,
            "score": verdict.score,
            "flagged": bool(verdict.flags),
            "replied_at": reply.at,
            "checked_at": timezone.now(),
        },
    )
    hashes_seen.setdefault(digest, set()).add(case.pk)
    return check


def _hashes_for(digests: Iterable[str]) -> dict[str, set[int]]:
    seen: dict[str, set[int]] = {}
    for digest, case_id in ReplyCheck.objects.filter(text_hash__in=set(digests)).values_list("text_hash", "case_id"):
        seen.setdefault(digest, set()).add(case_id)
    return seen


def reply_checks_run(*, limit: int = 500, reply_ids: Iterable[int] | None = None) -> int:
    """Check replies not yet checked — agencies' and deputies' direct answers (代表直接答复) alike — or exactly
    ``reply_ids`` again; returns how many were checked.

    A reply whose normalised text matches earlier checked replies of other cases is flagged as a
    template; the earlier ones are flagged too once the count is reached (they are re-checked here).
    """
    qs = Reply.objects.filter(sent_back=False)
    qs = qs.filter(pk__in=list(reply_ids)) if reply_ids is not None else qs.filter(quality_check__isnull=True)
    replies = list(qs.select_related("case", "case__opinion", "assignment").order_by("at", "pk")[:limit])
    if not replies:
        return 0
    seen = _hashes_for(text.text_hash(r.content) for r in replies)
    done = 0
    recheck: set[str] = set()
    for reply in replies:
        try:
            with transaction.atomic():
                check = _check_one(reply, seen)
        except Exception:  # one odd reply never stops the others
            logger.exception("reply check %s failed", reply.pk)
            continue
        done += 1
        if "template" in check.flags:
            recheck.add(check.text_hash)
    if recheck:  # the earlier copies of a template just found: flag them as well
        for check in ReplyCheck.objects.filter(text_hash__in=recheck, template=False):
            check.template, check.flagged = True, True
            check.score = max(0, check.score - text.PENALTY["template"])
            check.save(update_fields=["template", "flagged", "score"])
    return done


def _top_category(opinion: Opinion) -> str:
    path = opinion.category.path if opinion.category_id and opinion.category else ""
    return path.split("/")[0][:100] if path else ""


def opinion_terms_store(opinions: Iterable[Opinion]) -> int:
    """Cut each opinion once (title + content) and keep its keywords for the trends."""
    rows = [
        OpinionTerms(
            opinion_id=o.pk,
            case_id=o.case_id,
            created_at=o.created_at,
            category=_top_category(o),
            terms=text.terms(f"{o.title}。{o.content}"),
        )
        for o in opinions
        if not o.is_spam
    ]
    OpinionTerms.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def on_registered(opinions: list[Opinion]) -> None:
    """``intake.after_register`` hook."""
    opinion_terms_store(opinions)


def opinion_terms_fill(*, start: datetime.datetime | None = None, limit: int = 5000) -> int:
    """Backfill keywords of opinions registered before this app (or whose hook failed)."""
    qs = Opinion.objects.filter(case__isnull=False, is_spam=False, analysis_terms__isnull=True)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    return opinion_terms_store(list(qs.select_related("category").order_by("-created_at")[:limit]))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


@transaction.atomic
def monthly_report_generate(*, actor: User | None, congress: Congress, month: datetime.date) -> MonthlyReport:
    """Build (or rebuild) the monthly analysis of ``congress``'s territory for ``month``."""
    if actor is not None and not has_perm(actor, "analysis.manage"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您没有生成月度分析的权限。")
    month = month_start(month)
    if month > timezone.localdate():
        from django.core.exceptions import ValidationError

        raise ValidationError("不能生成尚未开始的月份的分析。")
    opinion_terms_fill(start=monthly.month_bounds(previous_month(month))[0])
    data = monthly.build(congress=congress, month=month)
    report, created = MonthlyReport.objects.update_or_create(
        congress=congress,
        month=month,
        defaults={"data": data, "generated_at": timezone.now(), "generated_by": actor},
    )
    audit_record(
        actor=actor,
        action="analysis.monthly_report.generate",
        target=report,
        after={"month": month.isoformat(), "created": created},
    )
    return report


def monthly_reports_due(now: datetime.datetime) -> int:
    """Last month's analysis for every congress whose territory had cases then and that has none yet.

    Idempotent and catching up: a worker down on the 1st generates them on its next tick.
    """
    month = previous_month(timezone.localdate(now))
    start, end = monthly.month_bounds(month)
    have = MonthlyReport.objects.filter(month=month).values_list("congress_id", flat=True)
    active = set(
        Case.objects.filter(created_at__gte=start, created_at__lt=end, congress__isnull=False)
        .values_list("congress_id", flat=True)
        .distinct()
    )
    made = 0
    for congress in Congress.objects.filter(pk__in=active - set(have), is_active=True):
        try:
            monthly_report_generate(actor=None, congress=congress, month=month)
            made += 1
        except IntegrityError:  # another worker made it meanwhile
            continue
    return made


def tick(now: datetime.datetime) -> None:
    """``handling.tick.on_tick`` hook: check new replies, back-fill opinion keywords, make last month's
    analyses. Counts go to the log only (the tick's own counts stay the deadline figures)."""
    checked = reply_checks_run()
    cut = opinion_terms_fill(start=now - datetime.timedelta(days=400), limit=TERMS_PER_TICK)
    made = monthly_reports_due(now)
    if checked or made or cut:
        logger.info("analysis tick: %s replies checked, %s opinions cut, %s monthly reports", checked, cut, made)
