from renda.notices.richtext import plain, render


def test_html_is_escaped_and_only_our_marks_become_markup():
    html = render('<script>alert(1)</script>\n**重点** <b onclick="x">粗</b>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>重点</strong>" in html
    assert "<b " not in html


def test_headings_lists_and_paragraphs():
    html = render("## 会议安排\n- 时间：周一\n- 地点：代表之家\n\n1. 签到\n2. 座谈\n\n第一行\n第二行")
    assert "<h3>会议安排</h3>" in html
    assert "<ul><li>时间：周一</li><li>地点：代表之家</li></ul>" in html
    assert "<ol><li>签到</li><li>座谈</li></ol>" in html
    assert "<p>第一行<br>第二行</p>" in html


def test_links_only_safe_schemes():
    assert '<a href="https://example.gov.cn/a?b=1&amp;c=2" rel="noopener nofollow">原文</a>' in render(
        "[原文](https://example.gov.cn/a?b=1&c=2)"
    )
    html = render("[点我](javascript:alert(1))")
    assert "<a" not in html
    assert '<a href="/notices/1/"' in render("[站内](/notices/1/)")
    assert "<a" not in render('[x](https://a.cn/" onmouseover="y)')


def test_plain_excerpt():
    assert plain("## 标题\n**加粗** [链接](https://a.cn)", 50) == "标题 加粗 链接"
    assert plain("很长" * 100, 10).endswith("…")
