"""Masking of personal data for viewers with no need to see it."""

from typing import Any

from renda.core.access import has_perm


def mask_phone(phone: str) -> str:
    phone = phone or ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else ("****" if phone else "")


def mask_id_number(value: str) -> str:
    value = value or ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else ("****" if value else "")


def can_view_personal(user: Any) -> bool:
    return has_perm(user, "personal.view")


def phone_for(user: Any, phone: str) -> str:
    return phone if can_view_personal(user) else mask_phone(phone)


def id_number_for(user: Any, value: str) -> str:
    return value if can_view_personal(user) else mask_id_number(value)
