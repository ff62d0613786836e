"""The public site's 代表建议答复: published answers only (``selectors.public_replies``).

Never an unpublished suggestion (404), never internal notes, review notes or
handlers' names: a reply is signed by its unit (``author_label``). Filters are
parsed leniently (a bad value is ignored with a notice, never a 500), and the
list's query count does not grow with its rows.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from renda.core.uploads import media_response
from renda.handling.models import Assignment, AssignmentStatus, ReplyAttachment
from renda.public.views import _page, _querystring, _text_param
from renda.registry.models import Agency, Deputy
from renda.suggestions.actions import ROLE_ORDER
from renda.suggestions.models import CoSigner, CoSignStatus, Suggestion, SuggestionCategory, SuggestionSession
from renda.suggestions.selectors import public_replies

ENDED = (AssignmentStatus.RETURNED, AssignmentStatus.WITHDRAWN)


def public_units_prefetch() -> Prefetch:
    """The units that handle(d) the case (主办/协办/分办), without returned or withdrawn assignments."""
    qs = Assignment.objects.exclude(status__in=ENDED).select_related("agency").order_by("round", "role", "id")
    return Prefetch("case__assignments", queryset=qs, to_attr="public_units")


def unit_rows(suggestion: Suggestion) -> list[tuple[str, str]]:
    """(role label, unit name), each once, from ``public_units_prefetch``."""
    seen: dict[tuple[str, str], None] = {}
    units = sorted(getattr(suggestion.case, "public_units", []), key=lambda a: (ROLE_ORDER.get(a.role, 9), a.pk))
    for a in units:  # 主办 first, as on the console
        seen.setdefault((a.get_role_display(), a.agency.name), None)
    return list(seen)


def _int_param(request, name: str, label: str, notices: list[str]) -> int | None:
    value = _text_param(request, name)
    if not value:
        return None
    if value.isdigit() and 0 < int(value) < 2**31:
        return int(value)
    notices.append(f"{label}“{value}”无效，已忽略。")
    return None


def filter_public(
    qs: QuerySet[Suggestion],
    *,
    q: str = "",
    year: int | None = None,
    session: int | None = None,
    category: int | None = None,
    unit: Agency | None = None,
    deputy: Deputy | None = None,
) -> QuerySet[Suggestion]:
    """Narrow ``public_replies()``: ``q`` matches the title, the proposer's name or the number."""
    if q:
        cond = Q(title__icontains=q) | Q(proposer__name__icontains=q)
        digits = q.strip("第号 ").lstrip("0")
        if digits.isdigit() and len(digits) < 10:
            cond |= Q(number=int(digits))
        qs = qs.filter(cond)
    if year:
        qs = qs.filter(session__year=year)
    if session:
        qs = qs.filter(session_id=session)
    if category:
        qs = qs.filter(category_id=category)
    if unit is not None:
        handled = Assignment.objects.filter(case_id=OuterRef("case_id"), agency=unit).exclude(status__in=ENDED)
        qs = qs.filter(Exists(handled))
    if deputy is not None:
        signed = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy=deputy, status=CoSignStatus.CONFIRMED)
        qs = qs.filter(Q(proposer=deputy) | Q(Exists(signed)))
    return qs


def _options(published: QuerySet[Suggestion]) -> dict:
    """Filter choices drawn from what is published (no empty choices)."""
    ids = published.order_by().values("pk")
    sessions = SuggestionSession.objects.filter(
        Exists(Suggestion.objects.filter(session_id=OuterRef("pk"), pk__in=ids))
    ).select_related("congress")
    units = Agency.objects.filter(
        Exists(Assignment.objects.filter(agency_id=OuterRef("pk"), case__suggestion__in=ids).exclude(status__in=ENDED))
    ).order_by("code")
    categories = SuggestionCategory.objects.filter(
        Exists(Suggestion.objects.filter(category_id=OuterRef("pk"), pk__in=ids))
    )
    years = sorted({s.year for s in sessions}, reverse=True)
    return {"sessions": list(sessions), "units": list(units), "categories": list(categories), "years": years}


@require_GET
def suggestion_reply_list(request):
    notices: list[str] = []
    query = _text_param(request, "q")
    year = _int_param(request, "year", "年度", notices)
    session = _int_param(request, "session", "会次", notices)
    category = _int_param(request, "category", "分类", notices)
    unit = deputy = None
    if code := _text_param(request, "unit"):
        unit = Agency.objects.filter(code=code).first()
        if unit is None:
            notices.append(f"没有找到承办单位“{code}”，已忽略该条件。")
    if number := _text_param(request, "deputy"):
        deputy = Deputy.objects.filter(number=number, is_active=True).first()
        if deputy is None:
            notices.append(f"没有找到编号为“{number}”的代表，已忽略该条件。")
    published = public_replies()
    rows = filter_public(
        published, q=query, year=year, session=session, category=category, unit=unit, deputy=deputy
    ).prefetch_related(public_units_prefetch())
    page = _page(request, rows)
    for s in page.object_list:
        s.units = unit_rows(s)
        s.current_replies = list(s.case.replies.all())
    return render(
        request,
        "suggestions/public/reply_list.html",
        {
            "page": page,
            "query": query,
            "year": year,
            "session": session,
            "category": category,
            "unit": unit,
            "deputy": deputy,
            "notices": notices,
            "querystring": _querystring(request),
            "filtered": bool(query or year or session or category or unit or deputy),
            **_options(published),
        },
    )


@require_GET
def suggestion_reply_detail(request, pk: int):
    suggestion = (
        public_replies()
        .filter(pk=pk)
        .prefetch_related(
            public_units_prefetch(),
            Prefetch(
                "cosigners",
                queryset=CoSigner.objects.filter(status=CoSignStatus.CONFIRMED).select_related("deputy"),
                to_attr="confirmed_cosigners",
            ),
        )
        .first()
    )
    if suggestion is None:
        raise Http404("没有找到该建议的公开答复。")
    replies = list(suggestion.case.replies.all())
    files: dict[int, list[ReplyAttachment]] = {}
    for attachment in ReplyAttachment.objects.filter(reply__in=replies).order_by("id"):
        files.setdefault(attachment.reply_id, []).append(attachment)
    for reply in replies:
        reply.public_files = files.get(reply.pk, [])
    return render(
        request,
        "suggestions/public/reply_detail.html",
        {
            "s": suggestion,
            "units": unit_rows(suggestion),
            "replies": replies,
            "rehandled": any(r.round > 1 for r in replies),
            "commitments": list(suggestion.case.commitments.all()),
            "proposer_public": suggestion.proposer.is_active,
        },
    )


@require_GET
def suggestion_reply_file(request, pk: int):
    """An attachment of a published answer (the reply letter, usually a PDF); 404 for anything else."""
    attachment = (
        ReplyAttachment.objects.filter(
            pk=pk, reply__sent_back=False, reply__case__suggestion__in=public_replies().values("pk")
        )
        .order_by()
        .first()
    )
    if attachment is None:
        raise Http404("没有找到该附件，或它没有公开。")
    return media_response(attachment.file, public=True, filename=attachment.name)
