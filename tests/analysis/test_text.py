"""The reply checker on plain strings."""

from renda.analysis import text

from .conftest import GOOD_REPLY, LAMP


def test_a_good_answer_is_not_flagged():
    verdict = text.check(LAMP, GOOD_REPLY, title="光明社区路灯坏了")
    assert verdict.flags == []
    assert verdict.score == 100
    assert verdict.substance_chars >= 40


def test_a_short_boilerplate_answer_is_flagged_short_and_missing_points():
    verdict = text.check(LAMP, "您好！您的留言已收悉，已转相关部门处理，感谢您的支持！", title="光明社区路灯坏了")
    assert "short" in verdict.flags and "missed_points" in verdict.flags
    assert any(m.startswith("事项：路灯") for m in verdict.missed)
    assert verdict.score < 60


def test_quoting_the_title_back_does_not_count_as_answering_it():
    reply = "您好！关于您反映的“光明社区东门口路灯坏了”的问题，我们已转交有关单位办理，请耐心等待后续处理结果，感谢您对我们工作的关心和支持，祝您生活愉快。"
    verdict = text.check(LAMP, reply, title="光明社区东门口路灯坏了")
    assert "missed_points" in verdict.flags


def test_normalised_hash_ignores_names_numbers_and_quotes():
    a = "网友“UU001”您好！您反映的“A区路灯”问题已于2019年5月3日转交处理。"
    b = "网友“UU987”您好！您反映的“B区学校收费”问题已于2020年1月9日转交处理。"
    assert text.text_hash(a) == text.text_hash(b)
    assert text.text_hash(a) != text.text_hash(GOOD_REPLY)


def test_place_names_are_added_to_jieba_and_short_forms_found():
    text.load_places(["向阳湖街道"])
    points = text.key_points("向阳湖的垃圾站很臭，希望搬走垃圾站。", "向阳湖垃圾站")
    assert "向阳湖" in points.places
    assert "垃圾站" in points.objects
    assert points.requests and "搬走" in points.requests[0]
    assert text.short_place("长安街道") == "长安" and text.short_place("东风区") == "东风"


def test_terms_drop_stopwords_and_numbers():
    words = text.terms("小区门口的路灯坏了，路灯坏了3个月，希望有关部门尽快处理。")
    assert words[0] == "路灯"
    assert "希望" not in words and "有关" not in words
