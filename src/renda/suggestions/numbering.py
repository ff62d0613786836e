"""Suggestion numbers: one gapless sequence per congress and session (第0123号).

The session row is the counter: ``number_next`` locks it (SELECT … FOR UPDATE
on PostgreSQL; SQLite serialises writers anyway) and bumps ``last_number``
inside the caller's transaction, so two registrations at once never share a
number, and a registration that fails rolls its number back with it (no gaps).
"""

from django.db.models import F

from renda.suggestions.models import SuggestionSession


def number_next(session: SuggestionSession) -> int:
    """The next number of ``session``; call inside the transaction that stores it."""
    locked = SuggestionSession.objects.select_for_update().filter(pk=session.pk)
    locked.update(last_number=F("last_number") + 1)
    return locked.values_list("last_number", flat=True).get()


def number_label(number: int | None) -> str:
    return f"第{number:04d}号" if number else ""
