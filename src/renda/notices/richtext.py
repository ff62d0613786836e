"""A small, safe rich-text subset for notice bodies (no HTML sanitiser needed).

Staff type plain text with a few Markdown-like marks; everything is HTML-escaped
first, then only these constructs become markup:

* ``## 标题`` / ``### 标题`` → ``<h3>`` / ``<h4>``
* lines starting with ``- `` or ``* `` → bullet list; ``1. `` → numbered list
* ``**加粗**`` → ``<strong>``
* ``[文字](https://…)`` → a link (only http, https, relative ``/…`` and mailto addresses)
* blank line → new paragraph; single line break → ``<br>``

Raw HTML typed by staff shows as text, never as markup.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(((?:https?://|/|mailto:)[^\s()\"'<>]{0,500})\)")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.、]\s*(.*)$")
_HEADING = re.compile(r"^(#{2,3})\s+(.*)$")


def _inline(text: str) -> str:
    """``text`` is already escaped; & in URLs is therefore &amp;, which is right inside href."""
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}" rel="noopener nofollow">{m.group(1)}</a>', text)
    return _BOLD.sub(r"<strong>\1</strong>", text)


def render(source: str) -> SafeString:
    lines = escape(source or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    list_tag = ""

    def flush_para() -> None:
        if para:
            out.append("<p>" + "<br>".join(_inline(x) for x in para) + "</p>")
            para.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            out.append(f"</{list_tag}>")
            list_tag = ""

    for line in lines:
        if not line.strip():
            flush_para()
            close_list()
            continue
        if m := _HEADING.match(line):
            flush_para()
            close_list()
            tag = "h3" if len(m.group(1)) == 2 else "h4"
            out.append(f"<{tag}>{_inline(m.group(2).strip())}</{tag}>")
            continue
        bullet, number = _BULLET.match(line), _NUMBER.match(line)
        if bullet or number:
            flush_para()
            want = "ul" if bullet else "ol"
            if list_tag != want:
                close_list()
                out.append(f"<{want}>")
                list_tag = want
            out.append(f"<li>{_inline((bullet or number).group(1).strip())}</li>")
            continue
        close_list()
        para.append(line.strip())
    flush_para()
    close_list()
    return mark_safe("".join(out))  # noqa: S308 — built from escaped text and our own tags only


def plain(source: str, limit: int = 120) -> str:
    """The body without marks, for list excerpts and text messages."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source or "")
    text = re.sub(r"[#*]+|^\s*[-]\s+", "", text, flags=re.M)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
