"""Scoped reads for suggestions: the list with its filters, one suggestion, the public replies."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from renda.core.access import get_scoped_or_404, restrict
from renda.core.models import User
from renda.handling.models import Assignment, CaseState, Commitment, Reply
from renda.suggestions.models import CoSigner, CoSignStatus, Suggestion, SuggestionStatus

LIST_RELATED = ("case", "congress", "session", "category", "proposer", "topic")
PRE_CASE_STATES = {SuggestionStatus.DRAFT, SuggestionStatus.COSIGNING, SuggestionStatus.WITHDRAWN}


def _pk(value) -> int | None:
    value = getattr(value, "pk", value)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def suggestion_list(
    user: User,
    *,
    q: str = "",
    state: str = "",
    session=None,
    kind: str = "",
    is_key: bool | None = None,
    topic=None,
    agency=None,
    deputy=None,
    category=None,
    year: int | None = None,
) -> QuerySet[Suggestion]:
    """Every suggestion ``user`` may see, filtered, with what a list row shows joined in (no N+1).

    ``state``: a pre-case status (draft / cosigning / withdrawn) or a case state (submitted,
    accepted, …, closed, rejected). ``session``/``topic``/``agency``/``deputy``/``category``:
    objects or pks. ``deputy`` matches the proposer or a confirmed co-signer. ``q`` searches the
    title, content and proposer's name, or the number (digits).
    """
    qs = restrict(Suggestion.objects.select_related(*LIST_RELATED), user)
    if q := (q or "").strip():
        cond = Q(title__icontains=q) | Q(content__icontains=q) | Q(proposer__name__icontains=q)
        digits = q.strip("第号 ").lstrip("0")
        if digits.isdigit():
            cond |= Q(number=int(digits))
        qs = qs.filter(cond)
    if state:
        if state in PRE_CASE_STATES:
            qs = qs.filter(status=state)
        elif state in CaseState.values:
            qs = qs.filter(case__state=state).exclude(status=SuggestionStatus.WITHDRAWN)
        else:
            qs = qs.none()
    if (pk := _pk(session)) is not None:
        qs = qs.filter(session_id=pk)
    if kind:
        qs = qs.filter(kind=kind)
    if is_key is not None:
        qs = qs.filter(is_key=is_key)
    if (pk := _pk(topic)) is not None:
        qs = qs.filter(topic_id=pk)
    if (pk := _pk(agency)) is not None:
        qs = qs.filter(Exists(Assignment.objects.filter(case_id=OuterRef("case_id"), agency_id=pk)))
    if (pk := _pk(deputy)) is not None:
        signed = CoSigner.objects.filter(suggestion=OuterRef("pk"), deputy_id=pk, status=CoSignStatus.CONFIRMED)
        qs = qs.filter(Q(proposer_id=pk) | Q(Exists(signed)))
    if (pk := _pk(category)) is not None:
        qs = qs.filter(category_id=pk)
    if year:
        qs = qs.filter(session__year=year)
    return qs


def suggestion_detail(user: User, pk) -> Suggestion:
    """One suggestion in ``user``'s scope (else 404), with its parties, co-signers and attachments."""
    qs = Suggestion.objects.select_related(
        *LIST_RELATED, "created_by", "from_opinion", "decided_by", "congress__division"
    ).prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.select_related("deputy")),
        "attachments",
    )
    return get_scoped_or_404(qs, user, pk=pk)


def public_replies() -> QuerySet[Suggestion]:
    """What the public site may show: registered suggestions whose answer has gone to the deputy and
    that are published (``publish=True``), with the current answers and commitments prefetched."""
    current = Reply.objects.filter(sent_back=False).order_by("round", "at", "id")
    return (
        Suggestion.objects.filter(
            number__isnull=False,
            publish=True,
            published_at__isnull=False,  # set when the first answer went to the deputy
        )
        .exclude(status=SuggestionStatus.WITHDRAWN)
        .select_related("case", "congress", "session", "category", "proposer")
        .prefetch_related(
            Prefetch("case__replies", queryset=current),
            Prefetch("case__commitments", queryset=Commitment.objects.order_by("id")),
        )
        .order_by("-published_at", "-id")
    )
