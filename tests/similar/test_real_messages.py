"""Clustering check on real citizen messages (../shared/data/gov-messages, read-only; skipped if absent).

The 4,284 messages hold many repeated reports of the same issue (the same estate, the same road);
the clustering must gather them without gluing unrelated messages into a giant cluster.
"""

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from renda.similar import hotspots
from renda.similar import minhash as mh

MESSAGES = Path(__file__).resolve().parents[3] / "shared" / "data" / "gov-messages" / "messages.csv"


@pytest.fixture(scope="module")
def messages():
    if not MESSAGES.exists():
        pytest.skip(f"real messages not found at {MESSAGES}")
    with MESSAGES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_repeated_reports_cluster_and_clusters_stay_coherent(messages):
    texts = [f"{m['title']} {m['body']}" for m in messages]
    sigs, ok = mh.signatures(texts)
    assert ok.all()
    ids = np.arange(len(texts))
    labels = hotspots.components(ids, sigs, np.zeros(len(texts), dtype=np.int64))
    sizes = Counter(labels.tolist())
    clusters = [label for label, size in sizes.items() if size >= hotspots.MIN_SIZE]
    # Many repeated issues are found, and no cluster swallows the data set.
    assert len(clusters) >= 30
    assert max(sizes.values()) < len(texts) * 0.05
    # Coherence: inside each cluster, the members' titles share wording (character bigrams of the titles
    # alone, which the clustering did not see separately) far above two random messages.
    rng = np.random.default_rng(1)

    def title_jaccard(i, j):
        a, b = set(mh.shingles(messages[i]["title"]).tolist()), set(mh.shingles(messages[j]["title"]).tolist())
        return len(a & b) / max(1, len(a | b))

    inside = []
    for label in clusters:
        members = np.nonzero(labels == label)[0]
        inside.append(np.mean([title_jaccard(members[0], m) for m in members[1:]]))
    random_pairs = [title_jaccard(*rng.integers(0, len(texts), 2)) for _ in range(500)]
    assert np.median(inside) > 4 * np.mean(random_pairs)
    print(f"\n{len(clusters)} clusters of ≥{hotspots.MIN_SIZE}; largest {max(sizes.values())}; "
          f"median in-cluster title overlap {np.median(inside):.2f} vs random {np.mean(random_pairs):.2f}")
