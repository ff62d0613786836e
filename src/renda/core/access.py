"""The one choke point for who may do what, and see which rows.

* ``has_perm(user, perm)``: role-based capabilities (what a user may do).
* ``restrict(queryset, user)``: the rows a user may see, from the scope rule
  registered for the queryset's model (deny by default: a model with no rule
  shows nothing to anyone but administrators).
* ``staff_required(perm)``: the decorator every console view goes through.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from renda.core.models import Role, User

M = TypeVar("M", bound=models.Model)

ALL = "*"
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({ALL}),
    Role.CONGRESS_STAFF: frozenset(
        {
            "console",
            "registry.view",
            "registry.manage",
            "registry.import",
            "registry.assign",
            "personal.view",
            "audit.view",
            "case.view",
            "case.accept",
            "case.assign",
            "case.review",
            "case.supervise",
            "case.enter",
            "case.configure",
            "opinion.spam",
            "suggestion.view",
            "suggestion.manage",
        }
    ),
    Role.STATION_STAFF: frozenset(
        {
            "console",
            "registry.view",
            "station.edit_own",
            "case.view",
            "case.accept",
            "case.review",
            "case.enter",
            "opinion.spam",
        }
    ),  # fmt: skip
    Role.DEPUTY: frozenset(
        {"console", "registry.view", "case.view", "case.accept", "case.review", "suggestion.view", "suggestion.draft"}
    ),
    Role.AGENCY_HANDLER: frozenset({"console", "registry.view", "case.view", "case.handle", "suggestion.view"}),
}



def grant(role: str, *perms: str) -> None:
    """Give ``role`` more capabilities: each domain app grants its own in ``AppConfig.ready()``."""
    PERMISSIONS[role] = PERMISSIONS.get(role, frozenset()) | frozenset(perms)


ScopeRule = Callable[[User], models.Q]
_SCOPE_RULES: dict[type[models.Model], ScopeRule] = {}


def is_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and (user.is_superuser or user.role == Role.ADMIN)
    )


def has_perm(user: Any, perm: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    granted = PERMISSIONS.get(user.role, frozenset())
    return perm in granted or ALL in granted


def scope_rule(model: type[models.Model]) -> Callable[[ScopeRule], ScopeRule]:
    """Register the rule that says which rows of ``model`` a (non-admin) user sees."""

    def register(rule: ScopeRule) -> ScopeRule:
        _SCOPE_RULES[model] = rule
        return rule

    return register


def restrict(queryset: models.QuerySet[M], user: Any) -> models.QuerySet[M]:
    if is_admin(user):
        return queryset
    if not has_perm(user, "console"):
        return queryset.none()
    rule = _SCOPE_RULES.get(queryset.model)
    if rule is None:
        return queryset.none()
    # Rules use Exists() rather than joins, so rows are never duplicated.
    return queryset.filter(rule(user))


def can_see(user: Any, instance: models.Model) -> bool:
    return restrict(type(instance)._default_manager.filter(pk=instance.pk), user).exists()


def get_scoped_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    try:
        return restrict(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该记录，或您无权查看。") from exc


def staff_required(perm: str = "console") -> Callable:
    """Console views: anonymous users go to the login page, others need ``perm`` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise PermissionDenied("您没有执行此操作的权限。")
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator
