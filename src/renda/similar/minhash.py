"""MinHash signatures over character shingles, and their LSH band keys (pure numpy, no state).

A text is normalised (full-width → half-width, letters lower-cased, every digit run → "0",
punctuation and spaces dropped), cut into character bigrams, and each bigram (two code points,
at most 42 bits) is mixed into 64 bits. The signature keeps, for each of ``NUM_PERM`` random
multiply-shift hash functions, the minimum 32-bit value. Two signatures agree on a position with
probability equal to the Jaccard similarity of the two bigram sets.

LSH: the signature is cut into ``BANDS`` bands of ``ROWS`` values; each band becomes one signed
64-bit key (band number mixed in), stored in ``similar.Band``. Two texts share at least one band
key with probability ``1 - (1 - s**ROWS)**BANDS`` (s = Jaccard): about 0.5 at s = 0.33, 0.92 at
s = 0.5, 0.999 at s = 0.7, and 0.002 at s = 0.05 (unrelated texts).
"""

import re
import unicodedata

import numpy as np

NUM_PERM = 60
BANDS = 20
ROWS = 3
assert BANDS * ROWS == NUM_PERM

_rng = np.random.default_rng(20261121)  # fixed: signatures must agree across processes and restarts
_A = (_rng.integers(1, 2**63 - 1, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)).astype(np.uint64)
_B = _rng.integers(0, 2**63 - 1, size=NUM_PERM, dtype=np.uint64).astype(np.uint64)
_BAND_SALT = _rng.integers(1, 2**63 - 1, size=BANDS, dtype=np.uint64).astype(np.uint64)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_P = np.uint64(0x100000001B3)

_DIGITS = re.compile(r"\d+")
_DROP = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _DIGITS.sub("0", text)
    return _DROP.sub("", text)


def shingles(text: str) -> np.ndarray:
    """The distinct character bigrams of the normalised text as uint64 (a one-character text: itself)."""
    s = normalize(text)
    if not s:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    grams = codes if codes.size == 1 else (codes[:-1] << np.uint64(21)) | codes[1:]
    return np.unique(grams)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads the bigram bits over all 64 bits."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def signature(text: str) -> np.ndarray | None:
    """``NUM_PERM`` uint32 values, or None when the text has nothing to compare (empty after normalising)."""
    grams = shingles(text)
    if grams.size == 0:
        return None
    x = _mix(grams)
    with np.errstate(over="ignore"):
        h = (x[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)
    return h.min(axis=1).astype(np.uint32)


def signatures(texts: list[str], chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of many texts at once: (n, NUM_PERM) uint32 and a mask of the texts that had any
    shingle (rows of the others are meaningless). All texts of a chunk are hashed in one numpy pass."""
    n = len(texts)
    out = np.zeros((n, NUM_PERM), dtype=np.uint32)
    ok = np.zeros(n, dtype=bool)
    for start in range(0, n, chunk):
        grams = [shingles(t) for t in texts[start : start + chunk]]
        lengths = np.array([g.size for g in grams])
        present = np.nonzero(lengths)[0]
        if present.size == 0:
            continue
        flat = _mix(np.concatenate([grams[i] for i in present]))
        offsets = np.concatenate([[0], np.cumsum(lengths[present])[:-1]])
        for p in range(NUM_PERM):  # one permutation at a time keeps memory at one row of shingles
            with np.errstate(over="ignore"):
                h = (flat * _A[p] + _B[p]) >> np.uint64(32)
            out[start + present, p] = np.minimum.reduceat(h, offsets).astype(np.uint32)
        ok[start + present] = True
    return out, ok


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(n, NUM_PERM) uint32 → (n, BANDS) int64 keys (one per band, band number mixed in)."""
    sig = np.atleast_2d(signatures).astype(np.uint64).reshape(-1, BANDS, ROWS)
    with np.errstate(over="ignore"):
        key = np.broadcast_to(_BAND_SALT, sig.shape[:2]).copy()
        for r in range(ROWS):
            key = _mix((key * _P) ^ sig[:, :, r])
    return key.view(np.int64)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two texts (share of agreeing positions)."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def jaccard_many(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated similarity of ``sig`` with each row of ``others`` (n, NUM_PERM)."""
    if others.size == 0:
        return np.empty(0)
    return (others == sig[None, :]).mean(axis=1)
