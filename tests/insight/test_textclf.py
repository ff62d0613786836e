import random

import pytest

from renda.insight import textclf
from renda.insight.vectorize import CharTfidf


def test_vectorizer_matches_scikit_learn_char_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["路灯不亮了请修理", "公交站台太远了", "路灯和公交都有问题", "噪音扰民严重", "路灯坏"]
    ours = CharTfidf(min_df=1).fit(docs).transform(docs)
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit(docs).transform(docs)
    assert ours.shape == theirs.shape
    for i in range(len(docs)):
        assert sorted(ours[i].data.round(5)) == pytest.approx(sorted(theirs[i].data.round(5)), abs=1e-4)


def test_vectorizer_survives_pickling_and_unknown_text():
    import pickle

    vec = pickle.loads(pickle.dumps(CharTfidf().fit(["路灯不亮", "公交太少"])))
    x = vec.transform(["完全无关的内容", ""])
    assert x.shape == (2, len(vec.vocabulary_))
    assert x[1].nnz == 0


def test_train_and_top_confidences():
    rng = random.Random(1)
    docs, labels = [], []
    for _ in range(40):
        docs.append(textclf.document("路灯不亮", f"路灯坏了{rng.randint(1, 99)}号楼"))
        labels.append("lamp")
        docs.append(textclf.document("公交太少", f"公交车班次少{rng.randint(1, 99)}路"))
        labels.append("bus")
    clf = textclf.train(docs, labels)
    top = clf.top([textclf.document("晚上路灯不亮", "")], k=3)[0]
    assert top[0][0] == "lamp"
    assert 0.5 < top[0][1] <= 1
    assert sum(p for _, p in top) == pytest.approx(1.0, abs=1e-5)


def test_cross_validate_merges_singletons_and_lowers_folds():
    docs = [textclf.document(f"路灯{i}", "") for i in range(6)] + [textclf.document(f"公交{i}", "") for i in range(3)]
    labels = ["a"] * 6 + ["b"] * 3
    docs += [textclf.document("学校", ""), textclf.document("医院", "")]
    labels += ["c", "d"]  # one each: merged into 其他
    result = textclf.cross_validate(docs, labels, folds=5)
    assert result.folds == 2
    assert result.merged == {"c": "其他", "d": "其他"}
    assert result.n == 11


def test_document_puts_the_title_first_twice_and_truncates():
    doc = textclf.document("标题", "内容" * 1000)
    assert doc.startswith("标题。标题。")
    assert len(doc) <= textclf.MAX_BODY + 10
