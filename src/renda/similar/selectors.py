"""Scoped reads of 重复与热点."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from renda.core.access import restrict
from renda.core.models import User
from renda.opinions.models import Opinion
from renda.similar import index
from renda.similar.hotspots import MIN_SIZE
from renda.similar.models import Follower, Hotspot, HotspotMember, Signature, VisitProposal


def hotspots(user: User) -> QuerySet[Hotspot]:
    """Listed hotspots (at least ``MIN_SIZE`` opinions), hottest first."""
    qs = Hotspot.objects.filter(size__gte=MIN_SIZE).select_related("division", "congress", "representative")
    return restrict(qs, user).order_by("-heat", "-id")


def hotspot_members(hotspot: Hotspot, user: User) -> QuerySet[Opinion]:
    """The hotspot's opinions this user may open (others are counted, not shown)."""
    qs = Opinion.objects.filter(hotspot_member__hotspot=hotspot).select_related("case", "division")
    return restrict(qs, user).order_by("-created_at", "-id")


def proposals(user: User) -> QuerySet[VisitProposal]:
    qs = VisitProposal.objects.select_related("hotspot", "hotspot__division", "station", "decided_by")
    return restrict(qs, user).prefetch_related("deputies").order_by("-created_at", "-id")


def similar_for_staff(opinion: Opinion, user: User, limit: int = 5) -> list[index.SimilarItem]:
    """Open near-duplicates of ``opinion`` that this user may see."""
    return index.similar_to_opinion(opinion, restrict(index.open_opinions(), user), limit=limit)


def duplicate_counts(opinion_ids) -> dict[int, int]:
    """Open near-duplicates each opinion had when it was registered (one query)."""
    return dict(
        Signature.objects.filter(opinion_id__in=list(opinion_ids), duplicates__gt=0).values_list(
            "opinion_id", "duplicates"
        )
    )


def similar_for_citizen(text: str, *, division_id=None, limit: int = 3) -> list[index.SimilarItem]:
    """Open, recent items like the citizen's draft (public: shown masked, see the template)."""
    if len(index.mh.normalize(text)) < 10:
        return []
    since = timezone.now() - datetime.timedelta(days=index.window_days())
    qs = index.open_opinions().filter(created_at__gte=since)
    items = index.similar_to_text(text, qs, division_id=division_id, limit=limit)
    return [i for i in items if i.similarity >= max(index.min_similarity(), 0.35)]


def follower_counts(opinion_ids) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        Follower.objects.filter(opinion_id__in=list(opinion_ids)).values("opinion_id").annotate(n=Count("id"))
        .values_list("opinion_id", "n")
    )


def opinion_context(opinion: Opinion) -> tuple[dict | None, int]:
    """The listed hotspot of ``opinion`` (id, title, size, heat) and its follower count, in one query."""
    from django.db.models import Count

    row = (
        Opinion.objects.filter(pk=opinion.pk)
        .values("hotspot_member__hotspot_id", "hotspot_member__hotspot__title", "hotspot_member__hotspot__size",
                "hotspot_member__hotspot__heat")
        .annotate(n=Count("followers"))
        .order_by()[:1]
    )
    row = row[0] if row else None
    if row is None:
        return None, 0
    hotspot = None
    if row["hotspot_member__hotspot_id"] and (row["hotspot_member__hotspot__size"] or 0) >= MIN_SIZE:
        hotspot = {
            "pk": row["hotspot_member__hotspot_id"], "title": row["hotspot_member__hotspot__title"],
            "size": row["hotspot_member__hotspot__size"], "heat": row["hotspot_member__hotspot__heat"],
        }
    return hotspot, row["n"]


def hotspot_of(opinion: Opinion) -> Hotspot | None:
    member = HotspotMember.objects.filter(opinion=opinion, hotspot__size__gte=MIN_SIZE).select_related("hotspot")
    first = member.first()
    return first.hotspot if first else None
