"""The reply checker over real replies of a government portal (replies.csv, not part of the repository).

Prints the distribution of flags (quoted in docs/analysis.md) and asserts the rates are sane.
Skipped where ``../shared/data/gov-messages/`` is absent.
"""

import csv
import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from renda.analysis import text
from renda.core.workdays import working_days_between

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "gov-messages" / "replies.csv"
SAMPLE = 600  # the key-point check (jieba posseg) over a sample; the other checks over every row

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} absent: calibration on real replies skipped")


def _when(value: str) -> datetime.datetime | None:
    try:
        return timezone.make_aware(datetime.datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def test_checker_rates_on_real_replies():
    with DATA.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r.get("reply")]
    assert len(rows) > 2000
    hashes = Counter(text.text_hash(r["reply"]) for r in rows)
    flags: Counter = Counter()
    for r in rows:
        if hashes[text.text_hash(r["reply"])] > 2:  # seen in two or more other messages' replies
            flags["template"] += 1
        if text.substance_chars(r["reply"]) < text.min_chars():
            flags["short"] += 1
        start, end = _when(r["time"]), _when(r["reply_time"])
        if start and end and working_days_between(start, end) > 15:
            flags["late"] += 1
    missed = sum("missed_points" in text.check(r["body"], r["reply"], title=r["title"]).flags for r in rows[:SAMPLE])
    n = len(rows)
    print(
        f"\nreplies.csv: {n} replies; template {flags['template']} ({flags['template'] / n:.1%}), "
        f"short {flags['short']} ({flags['short'] / n:.1%}), late >15 working days {flags['late']} "
        f"({flags['late'] / n:.1%}); missed key points {missed}/{SAMPLE} ({missed / SAMPLE:.1%})"
    )
    # The portal's stock answer ("网友：您好！留言已收悉", 31 times) is both a template and short.
    stock = Counter(r["reply"] for r in rows).most_common(1)[0][0]
    assert hashes[text.text_hash(stock)] >= 30
    assert text.substance_chars(stock) < text.min_chars()
    assert 0.01 < flags["template"] / n < 0.10
    assert 0.05 < flags["short"] / n < 0.20
    assert 0.05 < missed / SAMPLE < 0.40
    # a long, specific answer is not short, and repeated verbatim only once
    longest = max(rows, key=lambda r: len(r["reply"]))
    assert text.substance_chars(longest["reply"]) > 500 and hashes[text.text_hash(longest["reply"])] == 1
