import numpy as np

from renda.similar import minhash as mh


def test_normalising_ignores_digits_punctuation_and_width():
    assert mh.normalize("３号楼，路灯坏了！ 12 天") == mh.normalize("5号楼路灯坏了0天")


def test_near_duplicates_score_high_and_unrelated_texts_low():
    a = mh.signature("长安街道光明社区3号楼门口的路灯坏了三个多月，晚上出行很不安全，希望尽快修好。")
    b = mh.signature("光明社区3号楼门口路灯坏了三个多月了，晚上出行很不安全，请尽快修好路灯。")
    c = mh.signature("建议在建设路口增设一处公共厕所，方便周边商户和过往群众使用。")
    assert mh.jaccard(a, b) >= 0.5
    assert mh.jaccard(a, c) <= 0.15
    assert a.dtype == np.uint32 and a.shape == (mh.NUM_PERM,)


def test_signature_is_deterministic_and_round_trips():
    text = "小区电梯经常停运"
    assert np.array_equal(mh.signature(text), mh.signature(text))
    assert np.array_equal(mh.from_bytes(mh.to_bytes(mh.signature(text))), mh.signature(text))
    assert mh.signature("，。！") is None


def test_band_keys_agree_exactly_when_bands_agree():
    a = mh.signature("路灯坏了三个多月希望尽快修好")
    keys = mh.band_keys(np.stack([a, a]))
    assert keys.shape == (2, mh.BANDS) and keys.dtype == np.int64
    assert (keys[0] == keys[1]).all()
    b = a.copy()
    b[0] ^= 1  # only the first band differs
    kb = mh.band_keys(b)[0]
    assert kb[0] != keys[0][0] and (kb[1:] == keys[0][1:]).all()


def test_bulk_signatures_equal_one_by_one():
    texts = ["路灯坏了三个月", "", "小区电梯经常停运，希望尽快维修", "。！", "一"]
    sigs, ok = mh.signatures(texts, chunk=2)
    assert ok.tolist() == [True, False, True, False, True]
    for text, sig, good in zip(texts, sigs, ok, strict=True):
        if good:
            assert np.array_equal(sig, mh.signature(text))
