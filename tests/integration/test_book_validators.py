"""Story books checked with the tools readers use: epubcheck for the EPUB, a CommonMark parser
(markdown-it-py) for the Markdown. Nothing here reads a book back with the writer's own code.

epubcheck is Debian's package (``java -jar /usr/share/java/epubcheck.jar``); ``make test``
installs it when it is missing. Set ``EPUBCHECK_JAR`` to use another copy.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.services.story import book as book_module
from bot.services.story.book import (
    EPUB_MISSING,
    BookData,
    book_title,
    build_book,
    credit_for,
    epub_bytes,
    has_epub,
    markdown_text,
)
from bot.services.story.types import SegmentRecord, StoryRecord
from bot.services.text import printable

MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# Every kind of hostile text a member (or an old database row, or the model) could hold.
HOSTILE = [
    "Family 👩\u200d👩\u200d👧\u200d👦, flags 🇯🇵 🏴\U000e0067\U000e0062\U000e0073\U000e0063"
    "\U000e0074\U000e007f, skin 👋🏽, heart ❤️",
    "日本語の物語。한국어 이야기。中文故事。",
    "שלום עולם — مرحبا بالعالم \u200f(mixed) \u202eevil.txt\u202c \u2067isolate\u2069",
    "Non\ufffecharacters\uffff \ufdd0 \U0001fffe \U0010ffff end",
    "Controls \x00\x01\x08\x0b\x0c\x1b\x7f C1 \x80\x85\x9f lone \ud800 \udfff surrogates",
    "Combining e\u0301 a\u0308 Zalgo z\u0336\u0337\u0338 and Devanagari नमस्ते",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> &amp; &nbsp; ]]> <![CDATA[x]]>",
    "```\n# Fake heading\n---\n— *Someone else*\n\n    indented code",
    "Zero\u200bwidth\u2060joiners\ufeff soft\u00adhyphen private\ue000use tag\U000e0041",
]


def _story(title: str = "The Lighthouse", genre: str = "mystery") -> StoryRecord:
    return StoryRecord(
        id=4242,
        guild_id=1,
        channel_id=2,
        thread_id=3,
        title=title,
        genre=genre,
        starter_id=10,
        turn_seconds=3600,
        word_limit=1000,
        max_rounds=None,
        max_participants=None,
        ai_partner=True,
        shuffle=False,
        status="ended",
        round=1,
        turn_seq=0,
        current_user_id=None,
        turn_position=None,
        turn_started_at=None,
        turn_deadline=None,
        paused_at=None,
        reminders_sent=0,
        pinged_turn_seq=0,
        summary="",
        summary_through=0,
        created_at=MOMENT,
        ended_at=MOMENT,
    )


def _segment(seq: int, round_: int, author: str, text: str, kind: str = "member") -> SegmentRecord:
    return SegmentRecord(
        id=seq,
        story_id=4242,
        seq=seq,
        round=round_,
        kind=kind,
        author_id=None if kind == "ai" else seq % 20 + 100,
        author_name=author,
        stand_in_for=None,
        text=text,
        words=len(text.split()),
        posted=True,
        created_at=MOMENT,
    )


def _book(story: StoryRecord, segments: Sequence[SegmentRecord]) -> BookData:
    writers: list[str] = []
    for segment in segments:
        if segment.kind == "member" and segment.author_name not in writers:
            writers.append(segment.author_name)
    return BookData(story, segments, writers, MOMENT)


def three_writer_book() -> BookData:
    names = ["Ada", "Bao", "Chidi"]
    segments = [
        _segment(i, i // 3 + 1, names[i % 3], f"Part {i} of the tale.\n\nThe lamp went out.")
        for i in range(9)
    ]
    return _book(_story(), segments)


def hostile_book() -> BookData:
    """20 writers with hostile names, 300 segments (4,000 characters each for some), every
    kind of hostile text, AI and stand-in segments, a title with U+FFFF."""
    names = [f"{HOSTILE[i % len(HOSTILE)][:60]} #{i}" for i in range(19)]
    names.append("\u202e" + "N" * 150 + "\uffff")  # over the 100-character cut, and reversed
    segments = []
    for i in range(300):
        text = HOSTILE[i % len(HOSTILE)]
        if i % 50 == 0:
            text = (text + " ") * (4000 // (len(text) + 1)) + "x" * 50
            text = text[:4000]
        kind = "ai" if i % 37 == 5 else "stand_in" if i % 41 == 7 else "member"
        segments.append(_segment(i, i // 20 + 1, names[i % 20], text, kind))
    title = "Moon\uffffLight <&> 🌙 \u202e夜 \x00"
    return _book(_story(title=title, genre="sci-fi \ufdd0 & <horror>"), segments)


# --- epubcheck -----------------------------------------------------------------------------


def _epubcheck_command() -> list[str]:
    jar = Path(os.environ.get("EPUBCHECK_JAR", "/usr/share/java/epubcheck.jar"))
    java = shutil.which("java")
    if not jar.is_file() or java is None:
        pytest.fail(
            f"epubcheck needs {jar} and a Java runtime: `make test` installs Debian's "
            "epubcheck package (apt-get install epubcheck) when they are missing."
        )
    return [java, "-jar", str(jar)]


def run_epubcheck(path: Path) -> str:
    """epubcheck's report on ``path``; fails the test on any fatal, error or warning."""
    result = subprocess.run(
        [*_epubcheck_command(), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    print(report)
    assert result.returncode == 0, report
    assert re.search(r"Messages: 0 fatals / 0 errors / 0 warnings", report) or (
        "No errors or warnings detected" in report
    ), report
    assert "ERROR" not in report and "WARNING" not in report and "FATAL" not in report, report
    return report


@pytest.mark.parametrize("make", [three_writer_book, hostile_book])
def test_epubcheck_passes_with_no_errors_or_warnings(make: object, tmp_path: Path) -> None:
    data = make()  # type: ignore[operator]
    path = tmp_path / "book.epub"
    path.write_bytes(epub_bytes(data))
    report = run_epubcheck(path)
    assert "No errors or warnings detected" in report


def test_hostile_book_keeps_what_people_write_and_credits_every_writer() -> None:
    data = hostile_book()
    files = build_book(data)
    assert has_epub(files)
    markdown = files[0].data.decode("utf-8")
    assert "👩\u200d👩\u200d👧\u200d👦" in markdown and "日本語の物語" in markdown
    assert "שלום עולם" in markdown and "e\u0301" not in markdown and "é" in markdown
    for bad in ("\uffff", "\ufffe", "\ufdd0", "\x00", "\x85", "\u202e", "\ud800"):
        assert bad not in markdown
    assert markdown.count("\n— *") == len(data.segments) == 300


def test_when_the_epub_cant_be_built_the_markdown_still_comes(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(book: BookData) -> bytes:
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(book_module, "epub_bytes", broken)
    with caplog.at_level(logging.ERROR, logger=book_module.__name__):
        files = build_book(three_writer_book())
    assert [f.content_type for f in files] == ["text/markdown"]
    assert not has_epub(files)
    assert "Ada" in files[0].data.decode("utf-8")
    assert any("4242" in record.getMessage() for record in caplog.records)
    assert "went wrong" not in str(EPUB_MISSING).lower() and "Markdown" in str(EPUB_MISSING)


# --- Markdown through a CommonMark parser -------------------------------------------------

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_STRUCTURE = {
    "html_block",
    "html_inline",
    "fence",
    "code_block",
    "code_inline",
    "link_open",
    "image",
    "bullet_list_open",
    "ordered_list_open",
    "blockquote_open",
    "table_open",
    "s_open",
}


def _inline_text(token: Token) -> tuple[str, bool]:
    """The text a reader sees in an inline token, and whether it holds emphasis."""
    parts: list[str] = []
    emphasis = False
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type in ("em_open", "strong_open"):
            emphasis = True
        elif child.type not in ("em_close", "strong_close"):
            parts.append(f"<{child.type}>")
    return "".join(parts), emphasis


def parsed_blocks(markdown: str) -> list[tuple[str, str]]:
    """The document as (kind, text) blocks: h1/h2, p (plain), em-p (with emphasis), hr."""
    tokens = _PARSER.parse(markdown)
    blocks: list[tuple[str, str]] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            blocks.append((token.tag, _inline_text(tokens[i + 1])[0]))
        elif token.type == "paragraph_open":
            text, emphasis = _inline_text(tokens[i + 1])
            blocks.append(("em-p" if emphasis else "p", text))
        elif token.type == "hr":
            blocks.append(("hr", ""))
    return blocks


def structure_tokens(markdown: str) -> list[str]:
    found = []
    for token in _PARSER.parse(markdown):
        found += [t.type for t in [token, *(token.children or [])] if t.type in _STRUCTURE]
    return found


def _one_line(text: str) -> str:
    return " ".join(printable(text, multiline=False).split())


def expected_blocks(data: BookData) -> list[tuple[str, str]]:
    """What Muse means to write: its own headings, intro, rule and credits, and each segment's
    text (cleaned, lines trimmed) as plain paragraphs."""
    writers = ", ".join(_one_line(n) or "a writer" for n in data.contributors)
    genre = _one_line(data.story.genre) or "story"
    blocks = [
        ("h1", book_title(data.story)),
        (
            "em-p",
            f"Genre: {genre}\nStarted: 2026-03-01\nFinished: 2026-03-01\n"
            f"Written by: {writers or 'nobody yet'}",
        ),
        ("p", "AI-written passages are marked as such."),
        ("hr", ""),
    ]
    current = 0
    for segment in data.segments:
        if segment.round != current:
            current = segment.round
            blocks.append(("h2", f"Round {current}"))
        for paragraph in re.split(r"\n\s*\n", printable(segment.text)):
            lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
            if lines:
                blocks.append(("p", "\n".join(lines)))
        blocks.append(("em-p", f"— {credit_for(segment)}"))
    return blocks


def test_markdown_of_a_hostile_book_has_exactly_muses_structure() -> None:
    data = hostile_book()
    markdown = markdown_text(data)
    assert parsed_blocks(markdown) == expected_blocks(data)
    assert structure_tokens(markdown) == []


_ADVERSARIAL_LINES = st.sampled_from(
    [
        "```",
        "~~~",
        "```python",
        "# heading",
        "## Round 99",
        "Setext",
        "===",
        "---",
        "***",
        "- - -",
        "_ _ _",
        "* item",
        "+ item",
        "- item",
        "1. item",
        "2) item",
        "> quote",
        "    indented code",
        "\tcode",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<!-- comment",
        "<div>",
        "[ref]: http://example.com",
        "[link](http://example.com)",
        "![image](x.png)",
        "<http://example.com>",
        "&amp; &#65; &copy;",
        "| a | b |",
        "|---|---|",
        "~~gone~~",
        "*em* **strong** _u_",
        "`code`",
        "hard break  ",
        "back\\",
        "\\*escaped\\*",
        "— *Fake Credit*",
        "",
        "   ",
    ]
)
_ADVERSARIAL_CHARS = st.text(
    alphabet=st.sampled_from([*"#*_-+=>`~<>&![]()|\\:.10 \n\ta", "日", "\u202e", "\uffff"]),
    max_size=40,
)
_SEGMENT_TEXT = st.lists(st.one_of(_ADVERSARIAL_LINES, _ADVERSARIAL_CHARS), max_size=12).map(
    "\n".join
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_SEGMENT_TEXT, min_size=1, max_size=6),
    names=st.lists(_ADVERSARIAL_CHARS, min_size=1, max_size=3),
    title=_ADVERSARIAL_CHARS,
)
def test_markdown_member_text_never_becomes_structure(
    texts: list[str], names: list[str], title: str
) -> None:
    segments = [
        _segment(i, i // 2 + 1, names[i % len(names)], text) for i, text in enumerate(texts)
    ]
    data = _book(_story(title=title, genre=names[0]), segments)
    markdown = markdown_text(data)
    assert parsed_blocks(markdown) == expected_blocks(data)
    assert structure_tokens(markdown) == []
