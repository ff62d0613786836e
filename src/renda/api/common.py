"""Shared pieces of API v1: optional session auth, caller scoping, pagination, lenient lookups."""

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from renda.core.access import has_perm
from renda.registry.models import Division, Station

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


def anonymous(request) -> str:
    """Lets callers without a session through as the public (see ``is_staff_caller``)."""
    return "anonymous"


# Session auth is optional: a logged-in staff session widens the scope, anonymous callers get the public directory.
OPTIONAL_SESSION = [django_auth, anonymous]

SCOPING_NOTE = (
    "\n\n**访问范围**：匿名调用返回公开名录（仅启用的记录、仅公开字段，"
    "`phone`/`id_number` 为 null）。已登录工作台的工作人员（Django 会话 Cookie）"
    "按其账号权限范围返回记录（与工作台一致，含已停用的记录）；"
    "手机号、身份证号按权限脱敏，仅有“查看个人信息”权限的账号可见完整内容。"
)


def is_staff_caller(request) -> bool:
    return has_perm(request.user, "registry.view")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100000, description="页码，从 1 开始")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"每页条数，最大 {MAX_PAGE_SIZE}")


class Page(Schema):
    count: int
    page: int
    page_size: int


def paginate(qs: QuerySet, page: int, page_size: int) -> tuple[int, list[Any]]:
    count = qs.count()
    start = (page - 1) * page_size
    items = list(qs[start : start + page_size]) if start < count else []
    return count, items


def division_or_400(code: str | None) -> Division | None:
    if not code:
        return None
    division = Division.objects.filter(code=code.strip()).first()
    if division is None:
        raise HttpError(400, f"区划代码“{code}”不存在。")
    return division


def station_or_400(code: str | None) -> Station | None:
    if not code:
        return None
    station = Station.objects.filter(code=code.strip()).first()
    if station is None:
        raise HttpError(400, f"家站点编号“{code}”不存在。")
    return station
