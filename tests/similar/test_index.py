import datetime

import pytest
from django.utils import timezone

from renda.handling import services as hs
from renda.similar import index, selectors
from renda.similar import minhash as mh
from renda.similar.models import Band, Signature

from .helpers import LAMP, OTHER, submit

pytestmark = pytest.mark.django_db


def test_registration_indexes_each_opinion_and_counts_open_duplicates(world):
    first = submit(world, n=3)
    assert Signature.objects.filter(opinion=first).exists()
    assert Band.objects.filter(opinion=first).count() == mh.BANDS
    assert Signature.objects.get(opinion=first).duplicates == 0
    second = submit(world, n=5)
    assert Signature.objects.get(opinion=second).duplicates == 1
    assert selectors.duplicate_counts([first.pk, second.pk]) == {second.pk: 1}


def test_similar_finds_open_recent_items_and_ranks_the_same_place_first(world):
    a = submit(world, n=3)
    b = submit(world, n=4, division=world.town_b, station=world.station_b)
    submit(world, OTHER, division=world.town_b, station=world.station_b)
    query = submit(world, n=9)
    items = index.similar_to_opinion(query)
    assert [i.opinion.pk for i in items] == [a.pk, b.pk]
    assert items[0].same_place and not items[1].same_place and items[0].similarity >= 0.5


def test_closed_merged_spam_and_old_items_are_not_offered(world):
    a = submit(world, n=3)
    b = submit(world, n=4)
    old = submit(world, n=6)
    old.created_at = timezone.now() - datetime.timedelta(days=index.window_days() + 5)
    old.save(update_fields=["created_at"])
    hs.case_merge(actor=world.staff_a, case=b.case, into=a.case)
    query = submit(world, n=8)
    assert [i.opinion.pk for i in index.similar_to_opinion(query)] == [a.pk]
    a.is_spam = True
    a.save(update_fields=["is_spam"])
    assert index.similar_to_opinion(query) == []


def test_staff_only_see_duplicates_in_their_scope(world):
    submit(world, n=3, division=world.town_b, station=world.station_b)
    query = submit(world, n=4)
    assert selectors.similar_for_staff(query, world.staff_a) == []
    assert len(selectors.similar_for_staff(query, world.admin)) == 1


def test_search_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        submit(world, n=n)
    with django_assert_max_num_queries(4):
        items = index.similar_to_text(LAMP.format(n=7))
    assert len(items) == 5


def test_batch_candidates_match_a_plain_count_of_shared_bands():
    import random
    from collections import Counter

    import numpy as np

    from renda.similar.index import CANDIDATES, _top_candidates

    rng = random.Random(3)
    keys = list(range(1, 40))
    rows = np.array([(rng.choice(keys), rng.randrange(1, 300)) for _ in range(3000)], dtype=np.int64)
    rows = np.unique(rows, axis=0)
    qids = [5, 17, 250, 999]
    qkeys = np.array([rng.sample(keys, 20) for _ in qids], dtype=np.int64)
    top = _top_candidates(qids, qkeys, rows)
    for q, ks in zip(qids, qkeys.tolist(), strict=True):
        shared = Counter(int(o) for k, o in rows.tolist() if k in ks and o != q)
        expected = sorted(shared, key=lambda o: (-shared[o], -o))[:CANDIDATES]
        assert top[q] == expected
    assert _top_candidates(qids, qkeys, np.empty((0, 2), dtype=np.int64)) == {q: [] for q in qids}
