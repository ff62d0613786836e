"""API v1: 代表建议. Published answers for anyone; the caller's own scope for signed-in users.

The public endpoints read ``suggestions.selectors.public_replies`` (published only:
anything else is 404) and never carry internal notes or handlers' names. The
scoped list reads ``suggestion_list`` (the console's scope: a deputy's own and
co-signed suggestions, a unit's assigned ones, congress staff's congress).
"""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from renda.api.common import Page, PageParams, paginate
from renda.core.access import has_perm
from renda.handling.models import CaseState
from renda.registry.models import Agency, Deputy
from renda.suggestions.models import Suggestion, SuggestionKind, SuggestionStatus
from renda.suggestions.selectors import public_replies, suggestion_detail, suggestion_list
from renda.suggestions.views_public import filter_public, public_units_prefetch, unit_rows

router = Router(tags=["代表建议"])


class UnitOut(Schema):
    role: str
    name: str


class ReplyOut(Schema):
    round: int
    result: str
    result_label: str
    unit: str
    content: str
    at: datetime.datetime


class CommitmentOut(Schema):
    text: str
    due_on: datetime.date | None
    fulfilled: bool


class PublicReplyOut(Schema):
    id: int
    number: int
    number_label: str
    kind: str
    kind_label: str
    title: str
    congress: str
    session: str
    year: int
    category: str | None
    proposer: str
    proposer_number: str
    units: list[UnitOut]
    results: list[str]
    published_at: datetime.datetime


class PublicReplyDetailOut(PublicReplyOut):
    content: str
    replies: list[ReplyOut]
    commitments: list[CommitmentOut]


class PublicReplyPage(Page):
    items: list[PublicReplyOut]


class PublicFilters(PageParams):
    q: str = Field("", max_length=50, description="标题、领衔代表姓名或编号（如 0123）")
    year: int | None = Field(None, ge=1949, le=2999, description="年度")
    session: int | None = Field(None, ge=1, le=2**31 - 1, description="会次 id")
    category: int | None = Field(None, ge=1, le=2**31 - 1, description="分类 id")
    unit: str | None = Field(None, max_length=32, description="承办单位编号")
    deputy: str | None = Field(None, max_length=32, description="代表编号（领衔或附议）")


def _public_out(s: Suggestion, *, detail: bool = False) -> dict:
    replies = list(s.case.replies.all())
    data = {
        "id": s.pk,
        "number": s.number,
        "number_label": s.number_label,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "title": s.title,
        "congress": s.congress.name,
        "session": s.session.title,
        "year": s.session.year,
        "category": s.category.name if s.category_id else None,
        "proposer": s.proposer.name,
        "proposer_number": s.proposer.number,
        "units": [{"role": role, "name": name} for role, name in unit_rows(s)],
        "results": [r.get_result_display() for r in replies],
        "published_at": s.published_at,
    }
    if detail:
        data["content"] = s.content
        data["replies"] = [
            {
                "round": r.round,
                "result": r.result,
                "result_label": r.get_result_display(),
                "unit": r.author_label,
                "content": r.content,
                "at": r.at,
            }
            for r in replies
        ]
        data["commitments"] = [
            {"text": c.text, "due_on": c.due_on, "fulfilled": not c.is_open} for c in s.case.commitments.all()
        ]
    return data


def _lookup(model, code: str | None, field: str, label: str):
    if not code:
        return None
    row = model.objects.filter(**{field: code.strip()}).first()
    if row is None:
        raise HttpError(400, f"{label}“{code}”不存在。")
    return row


@router.get(
    "/suggestions/replies",
    response=PublicReplyPage,
    auth=None,
    summary="代表建议公开答复",
    description="已公开的代表建议答复（标记为不公开的不返回），按关键词、年度、会次、分类、承办单位、代表查找，分页返回。",
)
def list_public_replies(request, filters: Query[PublicFilters]):
    qs = filter_public(
        public_replies(),
        q=filters.q.strip(),
        year=filters.year,
        session=filters.session,
        category=filters.category,
        unit=_lookup(Agency, filters.unit, "code", "承办单位编号"),
        deputy=_lookup(Deputy, filters.deputy, "number", "代表编号"),
    ).prefetch_related(public_units_prefetch())
    count, rows = paginate(qs, filters.page, filters.page_size)
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_public_out(s) for s in rows],
    }


@router.get(
    "/suggestions/replies/{suggestion_id}",
    response=PublicReplyDetailOut,
    auth=None,
    summary="代表建议公开答复详情",
    description="一件已公开答复的建议：内容、承办单位、正式答复及其类别、承诺事项。未公开或不存在时返回 404。",
)
def get_public_reply(request, suggestion_id: int):
    s = public_replies().filter(pk=suggestion_id).prefetch_related(public_units_prefetch()).first()
    if s is None:
        raise HttpError(404, "没有找到该建议的公开答复。")
    return _public_out(s, detail=True)


# --- Signed-in callers: the suggestions in their scope -----------------------------------------------------------


class SuggestionOut(Schema):
    id: int
    number: int | None
    number_label: str
    kind: str
    kind_label: str
    title: str
    congress: str
    session: str
    year: int
    category: str | None
    proposer: str
    proposer_number: str
    status: str
    status_label: str
    state: str | None
    state_label: str | None
    is_key: bool
    topic: str | None
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None


class SuggestionPage(Page):
    items: list[SuggestionOut]


class ScopedFilters(PageParams):
    q: str = Field("", max_length=50, description="标题、内容、领衔代表姓名或编号")
    state: str = Field(
        "", max_length=20, description="状态：draft/cosigning/withdrawn 或办理状态（submitted、accepted…）"
    )
    kind: SuggestionKind | None = Field(None, description="类型：建议或议案")
    year: int | None = Field(None, ge=1949, le=2999, description="年度")
    session: int | None = Field(None, ge=1, le=2**31 - 1, description="会次 id")
    category: int | None = Field(None, ge=1, le=2**31 - 1, description="分类 id")
    is_key: bool | None = Field(None, description="仅重点督办")


def _scoped_out(s: Suggestion) -> dict:
    case = s.case if s.case_id else None
    state = case.state if case is not None and s.status != SuggestionStatus.WITHDRAWN else None
    return {
        "id": s.pk,
        "number": s.number,
        "number_label": s.number_label,
        "kind": s.kind,
        "kind_label": s.get_kind_display(),
        "title": s.title,
        "congress": s.congress.name,
        "session": s.session.title,
        "year": s.session.year,
        "category": s.category.name if s.category_id else None,
        "proposer": s.proposer.name,
        "proposer_number": s.proposer.number,
        "status": s.status,
        "status_label": s.get_status_display(),
        "state": state,
        "state_label": CaseState(state).label if state else None,
        "is_key": s.is_key,
        "topic": s.topic.title if s.topic_id else None,
        "created_at": s.created_at,
        "submitted_at": s.submitted_at,
    }


def _require_viewer(request) -> None:
    if not has_perm(request.user, "suggestion.view"):
        raise HttpError(403, "您没有查看代表建议的权限。")


@router.get(
    "/suggestions",
    response=SuggestionPage,
    auth=django_auth,
    summary="我的代表建议（按权限范围）",
    description=(
        "须登录工作台（会话 Cookie）。代表：本人领衔及受邀附议的建议；承办单位：交本单位办理的建议；"
        "人大工作人员：本级及下级人大的建议。分页返回。"
    ),
)
def list_scoped(request, filters: Query[ScopedFilters]):
    _require_viewer(request)
    qs = suggestion_list(
        request.user,
        q=filters.q,
        state=filters.state.strip(),
        kind=filters.kind.value if filters.kind else "",
        year=filters.year,
        session=filters.session,
        category=filters.category,
        is_key=filters.is_key,
    )
    count, rows = paginate(qs, filters.page, filters.page_size)
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [_scoped_out(s) for s in rows],
    }


@router.get(
    "/suggestions/{suggestion_id}",
    response=SuggestionOut,
    auth=django_auth,
    summary="一件代表建议（按权限范围）",
    description="须登录工作台。不存在或不在调用者范围内时返回 404。",
)
def get_scoped(request, suggestion_id: int):
    _require_viewer(request)
    try:
        s = suggestion_detail(request.user, suggestion_id)
    except Http404:
        raise HttpError(404, "没有找到该建议，或您无权查看。") from None
    return _scoped_out(s)
