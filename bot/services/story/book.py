"""A finished story as a book: Markdown and EPUB, every segment credited in order.

Pure functions over plain data (run them with ``asyncio.to_thread``: building an EPUB is CPU
and zip work).

Member text is data in both formats. Everything printed goes through ``printable`` (the same
character cleaning as ``clean_text``), so the EPUB is valid XML whatever was stored; in the
Markdown every character that CommonMark could read as structure is backslash-escaped, so a
segment can't add headings, rules, lists, code, links or HTML, or swallow the credits.
The EPUB passes epubcheck with no errors or warnings (tests/integration/test_book_validators.py).
"""

from __future__ import annotations

import asyncio
import html
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ebooklib import epub  # type: ignore[import-untyped]

from bot.i18n import N_, _, pgettext, use_locale
from bot.services.markdown import escape_line
from bot.services.text import printable

from .ports import BookFile
from .types import CanonEntry, SegmentRecord, StoryRecord
from .typesetting import story_css

__all__ = [
    "AI_NAME",
    "EPUB_MISSING",
    "BookData",
    "book_title",
    "build_book",
    "canon_credit",
    "contributors",
    "credit_for",
    "epub_bytes",
    "has_epub",
    "markdown_text",
    "render_book",
]

AI_NAME = "Muse"

#: What a member reads when the EPUB could not be built and only the Markdown comes.
EPUB_MISSING = N_(
    "I couldn't build the EPUB this time, so here is the book as Markdown. "
    "The problem is logged for the server's admins."
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BookData:
    story: StoryRecord
    segments: Sequence[SegmentRecord]
    contributors: Sequence[str]  # members, in order of first segment
    finished_at: datetime | None
    canon: Sequence[CanonEntry] = field(default_factory=tuple)  # the appendix, in order added


def _line(text: str, fallback: str) -> str:
    return " ".join(printable(text, multiline=False).split()) or fallback


def _name(name: str) -> str:
    return _line(name, _("a writer"))


def contributors(segments: Sequence[SegmentRecord]) -> list[str]:
    """Who the book credits: members in the order of their first segment, then the AI partner
    when any segment is AI-written."""
    names = list(dict.fromkeys(s.author_name for s in segments if s.kind == "member"))
    if any(s.ai_written for s in segments):
        names.append(f"{AI_NAME} (AI)")
    return names


def book_title(story: StoryRecord) -> str:
    """The title as both books print it."""
    return _line(story.title, _("Untitled story"))


def credit_for(segment: SegmentRecord) -> str:
    """Who wrote a segment, as printed under it. AI-written segments always say so."""
    if segment.kind == "ai":
        return _("{name} (AI partner, AI-written)", name=AI_NAME)
    if segment.kind == "stand_in":
        return _(
            "{name} (AI-written stand-in for {member})",
            name=AI_NAME,
            member=_name(segment.author_name),
        )
    return _name(segment.author_name)


def canon_credit(entry: CanonEntry) -> str:
    """Who added a canon entry, as printed under it."""
    return _("added by {name}", name=_name(entry.author_name))


def _ai_note(story: StoryRecord) -> str:
    """The line under the credits that says what the model wrote."""
    if story.human_only:
        return _("Human only: every passage was written by a member, none by AI.")
    return _("AI-written passages are marked as such.")


def _date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else _("unfinished")


def _slug(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return slug[:60] or "story"


def _md_paragraphs(text: str) -> list[str]:
    """Member text as Markdown paragraphs: each line escaped and stripped of indentation
    (four spaces would make a code block), paragraphs separated by one blank line."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", printable(text)):
        lines = [escape_line(line) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return paragraphs


def markdown_text(book: BookData) -> str:
    story = book.story
    writers = ", ".join(_name(n) for n in book.contributors) or _("nobody yet")
    lines = [
        f"# {escape_line(book_title(story))}",
        "",
        _("*Genre:* {genre}", genre=escape_line(_line(story.genre, _("story")))) + "  ",
        _("*Started:* {date}", date=_date(story.created_at)) + "  ",
        _("*Finished:* {date}", date=_date(book.finished_at)) + "  ",
        _("*Written by:* {names}", names=escape_line(writers)),
        "",
        _ai_note(story),
        "",
        "---",
        "",
    ]
    current_round = 0
    for segment in book.segments:
        if segment.round != current_round:
            current_round = segment.round
            lines += ["## " + _("Round {n}", n=current_round), ""]
        for paragraph in _md_paragraphs(segment.text):
            lines += [paragraph, ""]
        lines += [f"— *{escape_line(credit_for(segment))}*", ""]
    if book.canon:
        lines += ["## " + _("Appendix: Canon"), ""]
        for entry in book.canon:
            name = escape_line(_line(entry.name, _("an entry")))
            head = f"**{name}** ({pgettext('choice', entry.kind)})"
            lines += [head, ""]
            lines += [*_md_paragraphs(entry.description), ""]
            lines += [f"— *{escape_line(canon_credit(entry))}*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in re.split(r"\n\s*\n", printable(text)) if b.strip()]
    return "".join(
        '<p dir="auto">' + "<br/>".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
    )


def epub_bytes(book: BookData) -> bytes:
    story = book.story
    title = book_title(story)
    genre = _line(story.genre, _("story"))
    writers = [_name(n) for n in book.contributors]
    doc = epub.EpubBook()
    doc.set_identifier(f"muse-story-{story.guild_id}-{story.id}")
    doc.set_title(title)
    lang = story.language
    doc.set_language(lang)
    style = epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css",
        content=story_css(lang).encode("utf-8"),
    )  # fmt: skip
    doc.add_item(style)
    for number, name in enumerate(writers, start=1):
        # ebooklib gives every creator the id "creator" unless told otherwise; XML ids must be
        # unique, so a second writer made the package document invalid.
        doc.add_author(name, uid=f"creator-{number}")
    doc.add_metadata("DC", "subject", genre)
    doc.add_metadata("DC", "date", _date(book.finished_at or story.created_at))
    doc.add_metadata(
        "DC", "description", _("A {genre} story written in turns with Muse.", genre=genre)
    )

    title_page = epub.EpubHtml(title=_("Title page"), file_name="title.xhtml", lang=lang)
    title_page.add_item(style)
    started = html.escape(_("Started: {date}", date=_date(story.created_at)))
    finished = html.escape(_("Finished: {date}", date=_date(book.finished_at)))
    names = ", ".join(writers) or _("nobody yet")
    title_page.content = (
        f'<h1 dir="auto">{html.escape(title)}</h1>'
        f'<p dir="auto">{html.escape(_("Genre: {genre}", genre=genre))}</p>'
        f"<p>{started}<br/>{finished}</p>"
        f'<p dir="auto">{html.escape(_("Written by: {names}", names=names))}</p>'
        f"<p>{html.escape(_ai_note(story))}</p>"
    )
    doc.add_item(title_page)
    chapters = [title_page]
    rounds: dict[int, list[SegmentRecord]] = {}
    for segment in book.segments:
        rounds.setdefault(segment.round, []).append(segment)
    for number, segments in rounds.items():
        heading = html.escape(_("Round {n}", n=number))
        chapter = epub.EpubHtml(
            title=_("Round {n}", n=number), file_name=f"round-{number:04d}.xhtml", lang=lang
        )
        chapter.add_item(style)
        body = [f"<h2>{heading}</h2>"]
        for segment in segments:
            body.append(
                f'<div class="segment" id="segment-{segment.seq}">{_paragraphs(segment.text)}'
                f'<p class="credit" dir="auto"><em>— {html.escape(credit_for(segment))}</em></p>'
                "</div>"
            )
        chapter.content = "".join(body)
        doc.add_item(chapter)
        chapters.append(chapter)
    if book.canon:
        chapters.append(_canon_chapter(book.canon, lang))
        chapters[-1].add_item(style)
        doc.add_item(chapters[-1])
    doc.toc = tuple(chapters)
    doc.add_item(epub.EpubNcx())
    doc.add_item(epub.EpubNav())
    doc.spine = ["nav", *chapters]
    buffer = io.BytesIO()
    epub.write_epub(buffer, doc)
    return buffer.getvalue()


def _canon_chapter(entries: Sequence[CanonEntry], lang: str) -> Any:
    """The appendix: every canon entry, its kind, its description and who added it."""
    heading = _("Appendix: Canon")
    chapter = epub.EpubHtml(title=heading, file_name="canon.xhtml", lang=lang)
    body = [f"<h2>{html.escape(heading)}</h2>"]
    for entry in entries:
        name = html.escape(_line(entry.name, _("an entry")))
        kind = html.escape(pgettext("choice", entry.kind))
        body.append(
            f'<div class="canon" id="canon-{entry.id}">'
            f'<h3 dir="auto">{name} ({kind})</h3>{_paragraphs(entry.description)}'
            f'<p class="credit" dir="auto"><em>— {html.escape(canon_credit(entry))}</em></p>'
            "</div>"
        )
    chapter.content = "".join(body)
    return chapter


def build_book(book: BookData) -> list[BookFile]:
    """The Markdown and EPUB files of a story. If the EPUB can't be built, the Markdown still
    comes (``has_epub`` tells; show ``EPUB_MISSING``) and the failure is logged. Headings and
    notes are in the story's language, which is what the EPUB declares, whoever asks."""
    slug = _slug(book.story.title)
    with use_locale(book.story.language):
        markdown = markdown_text(book)
        files = [BookFile(f"{slug}.md", markdown.encode("utf-8"), "text/markdown")]
        try:
            files.append(BookFile(f"{slug}.epub", epub_bytes(book), "application/epub+zip"))
        except Exception:  # the Markdown must reach the writers whatever broke in ebooklib/lxml
            log.exception(
                "could not build the EPUB of story %s (guild %s); sending the Markdown only",
                book.story.id,
                book.story.guild_id,
            )
    return files


def has_epub(files: Sequence[BookFile]) -> bool:
    """False when ``build_book`` had to leave the EPUB out."""
    return any(f.content_type == "application/epub+zip" for f in files)


async def render_book(
    story: StoryRecord, segments: Sequence[SegmentRecord], canon: Sequence[CanonEntry]
) -> list[BookFile]:
    """:func:`build_book` for a finished story as stored now, off the event loop."""
    data = BookData(story, segments, contributors(segments), story.ended_at, canon)
    return await asyncio.to_thread(build_book, data)
