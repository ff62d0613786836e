"""Resident ID numbers (居民身份证号, GB 11643): shape and ISO 7064 MOD 11-2 check character."""

import re

ID_SHAPE_RE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_digit(body17: str) -> str:
    """The check character for the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]


def id_number_valid(value: str) -> bool:
    return bool(ID_SHAPE_RE.match(value)) and id_check_digit(value[:17]) == value[17]
