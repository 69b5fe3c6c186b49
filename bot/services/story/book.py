"""A finished story as a book: Markdown and EPUB, every segment credited in order.

Pure functions over plain data (run them with ``asyncio.to_thread``: building an EPUB is CPU
and zip work).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ebooklib import epub  # type: ignore[import-untyped]

from bot.db.repositories.stories import SegmentRecord, StoryRecord

from .ports import BookFile

__all__ = ["AI_NAME", "BookData", "build_book", "credit_for", "epub_bytes", "markdown_text"]

AI_NAME = "Muse"


@dataclass(frozen=True, slots=True)
class BookData:
    story: StoryRecord
    segments: Sequence[SegmentRecord]
    contributors: Sequence[str]  # members, in order of first segment
    finished_at: datetime | None


def credit_for(segment: SegmentRecord) -> str:
    """Who wrote a segment, as printed under it. AI-written segments always say so."""
    if segment.kind == "ai":
        return f"{AI_NAME} (AI partner, AI-written)"
    if segment.kind == "stand_in":
        return f"{AI_NAME} (AI-written stand-in for {segment.author_name})"
    return segment.author_name


def _date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "unfinished"


def _slug(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return slug[:60] or "story"


def _escape_md(text: str) -> str:
    return re.sub(r"([\\`*_#>\[\]|])", r"\\\1", text)


def markdown_text(book: BookData) -> str:
    story = book.story
    lines = [
        f"# {_escape_md(story.title)}",
        "",
        f"*Genre:* {_escape_md(story.genre)}  ",
        f"*Started:* {_date(story.created_at)}  ",
        f"*Finished:* {_date(book.finished_at)}  ",
        f"*Written by:* {_escape_md(', '.join(book.contributors) or 'nobody yet')}",
        "",
        "AI-written passages are marked as such.",
        "",
        "---",
        "",
    ]
    current_round = 0
    for segment in book.segments:
        if segment.round != current_round:
            current_round = segment.round
            lines += [f"## Round {current_round}", ""]
        lines += [segment.text.strip(), "", f"— *{_escape_md(credit_for(segment))}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return "".join(
        "<p>" + "<br/>".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
    )


def epub_bytes(book: BookData) -> bytes:
    story = book.story
    doc = epub.EpubBook()
    doc.set_identifier(f"muse-story-{story.guild_id}-{story.id}")
    doc.set_title(story.title)
    doc.set_language("en")
    for name in book.contributors:
        doc.add_author(name)
    doc.add_metadata("DC", "subject", story.genre)
    doc.add_metadata("DC", "date", _date(book.finished_at or story.created_at))
    doc.add_metadata("DC", "description", f"A {story.genre} story written in turns with Muse.")

    title_page = epub.EpubHtml(title="Title page", file_name="title.xhtml", lang="en")
    title_page.content = (
        f"<h1>{html.escape(story.title)}</h1>"
        f"<p>Genre: {html.escape(story.genre)}</p>"
        f"<p>Started: {_date(story.created_at)}<br/>Finished: {_date(book.finished_at)}</p>"
        f"<p>Written by: {html.escape(', '.join(book.contributors) or 'nobody yet')}</p>"
        "<p>AI-written passages are marked as such.</p>"
    )
    doc.add_item(title_page)
    chapters = [title_page]
    rounds: dict[int, list[SegmentRecord]] = {}
    for segment in book.segments:
        rounds.setdefault(segment.round, []).append(segment)
    for number, segments in rounds.items():
        chapter = epub.EpubHtml(
            title=f"Round {number}", file_name=f"round-{number:04d}.xhtml", lang="en"
        )
        body = [f"<h2>Round {number}</h2>"]
        for segment in segments:
            body.append(
                f'<div class="segment" id="segment-{segment.seq}">{_paragraphs(segment.text)}'
                f'<p class="credit"><em>— {html.escape(credit_for(segment))}</em></p></div>'
            )
        chapter.content = "".join(body)
        doc.add_item(chapter)
        chapters.append(chapter)
    doc.toc = tuple(chapters)
    doc.add_item(epub.EpubNcx())
    doc.add_item(epub.EpubNav())
    doc.spine = ["nav", *chapters]
    buffer = io.BytesIO()
    epub.write_epub(buffer, doc)
    return buffer.getvalue()


def build_book(book: BookData) -> list[BookFile]:
    """The Markdown and EPUB files of a story."""
    slug = _slug(book.story.title)
    return [
        BookFile(f"{slug}.md", markdown_text(book).encode("utf-8"), "text/markdown"),
        BookFile(f"{slug}.epub", epub_bytes(book), "application/epub+zip"),
    ]
