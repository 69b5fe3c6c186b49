"""A Chinese story's book: the EPUB declares the story's language and is typeset for Chinese,
and still passes epubcheck; the Markdown is UTF-8 with the text as written."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

from bot.services.story.book import BookData, build_book, epub_bytes
from bot.services.story.typesetting import is_chinese, story_language

from .test_book_validators import _book, _segment, _story, run_epubcheck, three_writer_book

PASSAGES = [
    "灯塔的光第一次熄灭，是在那年的霜降。守塔人推开窗，海上一片漆黑。",
    "“你听见了吗？”小林压低声音，“有人在敲门——三短一长。”\n\n门外只有风。",
    "她把信折成一只纸船，放进退潮的水里。English words 和 emoji 🌊 也在这里。",
]


def chinese_book() -> BookData:
    story = replace(_story(title="灯塔守夜人", genre="悬疑"), language="zh-CN")
    segments = [_segment(i, i // 2 + 1, ["小林", "阿宝"][i % 2], PASSAGES[i % 3]) for i in range(6)]
    return _book(story, segments)


def _pages(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_a_chinese_story_epub_passes_epubcheck_with_its_language(tmp_path: Path) -> None:
    data = epub_bytes(chinese_book())
    path = tmp_path / "chinese.epub"
    path.write_bytes(data)
    assert "No errors or warnings detected" in run_epubcheck(path)
    pages = _pages(data)
    opf = next(text for name, text in pages.items() if name.endswith(".opf"))
    assert "<dc:language>zh-CN</dc:language>" in opf
    xhtml = {n: t for n, t in pages.items() if n.endswith(".xhtml") and "nav" not in n}
    assert len(xhtml) >= 4  # the title page and three rounds
    for text in xhtml.values():
        html_tag = re.search(r"<html[^>]*>", text)
        assert html_tag is not None
        assert 'lang="zh-CN"' in html_tag.group(0) and 'xml:lang="zh-CN"' in html_tag.group(0)
        assert "book.css" in text
    css = next(text for name, text in pages.items() if name.endswith("book.css"))
    assert "Noto Serif CJK SC" in css and "hyphens: none" in css and "line-break: strict" in css
    assert "text-indent: 2em" in css
    assert "灯塔的光第一次熄灭" in "".join(xhtml.values())


def test_an_english_story_keeps_english_and_no_cjk_styles() -> None:
    pages = _pages(epub_bytes(three_writer_book()))
    opf = next(text for name, text in pages.items() if name.endswith(".opf"))
    assert "<dc:language>en</dc:language>" in opf
    css = next(text for name, text in pages.items() if name.endswith("book.css"))
    assert "CJK" not in css


def test_the_markdown_of_a_chinese_story_is_utf8_as_written() -> None:
    files = build_book(chinese_book())
    markdown = files[0].data.decode("utf-8")
    assert "# 灯塔守夜人" in markdown and "三短一长" in markdown and "🌊" in markdown
    assert files[0].data == markdown.encode("utf-8")


def test_a_story_language_is_a_well_formed_tag_or_english() -> None:
    assert story_language("zh-CN") == "zh-CN" and story_language("en-US") == "en-US"
    assert story_language("es-419") == "es-419"
    for bad in (None, "", "中文", "zh_CN!", "x" * 40, "e", "en-US-" + "a" * 20):
        assert story_language(bad) == "en"
    assert is_chinese("zh-CN") and is_chinese("zh-TW") and not is_chinese("en")
