"""/analyze: read a work (typed text or a .txt/.md file) and describe it.

Uploads are checked before anything else: size, file type, real text (no NUL bytes or binary
junk, valid UTF-8), not empty. The model proposes themes, motifs, imagery, tone, form,
strengths and remix prompts; code cleans them and guarantees three distinct remix prompts.
Nothing about the work is stored.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field
from pydantic.json_schema import JsonDict

from bot.errors import StructuredOutputError, UserInputError
from bot.i18n import _, ngettext
from bot.services.prompts import prompt_messages
from bot.services.prosody._cmu import in_dictionary
from bot.services.text import clean_text
from models import ChatMessage, GenerationOptions, LLMEngine

__all__ = [
    "ALLOWED_SUFFIXES",
    "TEXT_LIMIT",
    "Analysis",
    "AnalysisReport",
    "TextStats",
    "analysis_messages",
    "check_upload",
    "decode_upload",
    "finish_analysis",
    "is_words",
    "report_is_words",
    "request_report",
    "text_stats",
]

ALLOWED_SUFFIXES = (".txt", ".md", ".markdown")
TEXT_LIMIT = 6000  # typed text: the longest string option Discord allows
MIN_WORDS = 3


# llama.cpp's grammar ignores maxLength once a pattern is given: the pattern bounds itself.
_SHORT_WORDS: JsonDict = {
    "type": "string",
    "maxLength": 30,
    "pattern": "^[A-Za-z][A-Za-z ,'-]{0,29}$",
}
_WORDS_PATTERN = "^[A-Za-z][A-Za-z ,'-]{0,39}$"


class AnalysisReport(BaseModel):
    # Every field is required, so the grammar makes the model fill each one in; tight bounds
    # keep a small model's answer short enough to finish inside its token budget.
    # Short answers are letters only (the grammar enforces the pattern): no digits, no
    # underscores, nothing like ".1865394720_thesmes".
    themes: list[str] = Field(max_length=3, json_schema_extra={"items": _SHORT_WORDS})
    motifs: list[str] = Field(max_length=3, json_schema_extra={"items": _SHORT_WORDS})
    imagery: list[str] = Field(max_length=3, json_schema_extra={"items": _SHORT_WORDS})
    tone: str = Field(max_length=40, json_schema_extra={"pattern": _WORDS_PATTERN})
    form: str = Field(max_length=40, json_schema_extra={"pattern": _WORDS_PATTERN})
    strengths: list[str] = Field(
        max_length=2, json_schema_extra={"items": {"type": "string", "maxLength": 100}}
    )
    remixes: list[str] = Field(
        min_length=3,
        max_length=3,
        json_schema_extra={"items": {"type": "string", "maxLength": 140}},
    )

    @classmethod
    def empty(cls) -> AnalysisReport:
        """No model answer: the code-made parts of an analysis still stand."""
        return cls.model_construct(
            themes=[], motifs=[], imagery=[], tone="", form="", strengths=[], remixes=[]
        )


@dataclass(frozen=True, slots=True)
class TextStats:
    words: int
    lines: int
    stanzas: int

    @property
    def is_verse(self) -> bool:
        return self.lines > 2 and self.words / max(1, self.lines) < 12

    @property
    def shape(self) -> str:
        if self.is_verse:
            return ngettext("verse, {n} stanza", "verse, {n} stanzas", self.stanzas)
        return ngettext("prose, {n} paragraph", "prose, {n} paragraphs", self.stanzas)


@dataclass(frozen=True, slots=True)
class Analysis:
    themes: list[str]
    motifs: list[str]
    imagery: list[str]
    tone: str
    form: str
    strengths: list[str]
    remixes: list[str]
    stats: TextStats
    truncated: bool
    source: str  # "text" or the file name
    model_failed: bool = False  # the model's answers were not words, even after a retry


def check_upload(filename: str, size: int, *, max_bytes: int) -> None:
    """Checks that need no download: the file's type and size."""
    if not filename.casefold().endswith(ALLOWED_SUFFIXES):
        raise UserInputError(
            _(
                "I can only read plain-text files ({suffixes}); **{name}** isn't one. Paste the "
                "text instead, or save it as .txt.",
                suffixes=", ".join(ALLOWED_SUFFIXES),
                name=filename[:80],
            )
        )
    if size > max_bytes:
        raise UserInputError(
            _(
                "That file is {size}; I read files up to {limit}. Send a shorter excerpt.",
                size=_size(size),
                limit=_size(max_bytes),
            )
        )
    if size == 0:
        raise UserInputError(_("That file is empty: there's nothing to analyse."))


def decode_upload(filename: str, data: bytes, *, max_bytes: int) -> str:
    """The file's text, or a :class:`UserInputError` saying why it can't be read."""
    check_upload(filename, len(data), max_bytes=max_bytes)
    if b"\x00" in data:
        raise UserInputError(
            _(
                "**{name}** looks like a binary file, not text. Save it as plain text (.txt or "
                ".md) and try again.",
                name=filename[:80],
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserInputError(
            _(
                "**{name}** isn't UTF-8 text. Save it as UTF-8 plain text and try again.",
                name=filename[:80],
            )
        ) from None
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise UserInputError(
            _(
                "**{name}** looks like a binary file, not text. Save it as plain text (.txt or "
                ".md) and try again.",
                name=filename[:80],
            )
        )
    return text


def prepare_text(text: str, *, limit: int) -> tuple[str, bool]:
    """Clean text for analysis; cut to ``limit`` characters at a line or word."""
    cleaned = clean_text(text, field="text", max_length=10**9, multiline=True)
    if len(re.findall(r"\w+", cleaned)) < MIN_WORDS:
        raise UserInputError(
            ngettext(
                "That's too short to analyse: give me at least {n} word of your work.",
                "That's too short to analyse: give me at least {n} words of your work.",
                MIN_WORDS,
            )
        )
    if len(cleaned) <= limit:
        return cleaned, False
    cut = cleaned[:limit]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    return (cut[:boundary] if boundary > limit // 2 else cut).rstrip(), True


def text_stats(text: str) -> TextStats:
    lines = [line for line in text.splitlines() if line.strip()]
    stanzas = [block for block in re.split(r"\n\s*\n", text.strip()) if block.strip()]
    return TextStats(len(re.findall(r"\w+", text)), len(lines), max(1, len(stanzas)))


def analysis_messages(text: str) -> list[ChatMessage]:
    return prompt_messages("analyze", slots={"work": text})


_TOKEN = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_NUMBER = re.compile(r"\d{1,6}(?:[.,]\d{1,3})?(?:s|st|nd|rd|th)?")


def is_words(text: str) -> bool:
    """Whether ``text`` reads as words: mostly letter tokens, mostly in the dictionary.

    The bundled model can fill a schema-valid string with ``.1865394720_thesmes``; that has
    the right shape and no meaning, and must not be shown as an analysis.
    """
    pieces = text.split()
    if not pieces:
        return False
    stripped = [p.strip(".,;:!?()\"'“”‘’") for p in pieces]
    words = [t for t in stripped if _TOKEN.fullmatch(t)]
    numbers = [t for t in stripped if _NUMBER.fullmatch(t)]  # "Set it in 2150." is fine
    if not words or len(words) + len(numbers) < 0.8 * len(pieces):
        return False
    known = sum(1 for w in words if in_dictionary(w.casefold().replace("’", "'")))
    return known >= 0.6 * len(words)


def report_is_words(report: AnalysisReport) -> bool:
    """Every field the model filled is words, and it named at least a theme and a tone."""
    items = [*report.themes, *report.motifs, *report.imagery, report.tone, report.form]
    items += [*report.strengths, *report.remixes]
    filled = [item for item in items if item.strip()]
    return bool(report.themes) and bool(report.tone.strip()) and all(map(is_words, filled))


async def request_report(engine: LLMEngine, work: str, user_id: int) -> AnalysisReport | None:
    """The model's analysis, checked for content, not only for shape: a second try when it is
    not words, then None (the caller says plainly that the model could not analyse it)."""
    for temperature in (0.3, 0.6):
        try:
            report = await engine.structured(
                analysis_messages(work),
                AnalysisReport,
                GenerationOptions(max_tokens=420, temperature=temperature),
                user_id=user_id,
            )
        except StructuredOutputError:
            return None  # the engine has already retried a shapeless answer
        if await asyncio.to_thread(report_is_words, report):
            return report
    return None


def _clean_items(items: Iterable[str], limit: int, max_len: int = 80) -> list[str]:
    found: list[str] = []
    for item in items:
        text = re.sub(r"\s+", " ", item).strip(" -•*\"'")
        if len(text) < 2 or text.casefold() == "sample":
            continue
        text = text[:max_len]
        if text.casefold() not in (f.casefold() for f in found):
            found.append(text)
    return found[:limit]


def _fallback_remixes(text: str, themes: list[str], stats: TextStats) -> list[str]:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]
    subject = themes[0] if themes else _("the central image")
    if stats.is_verse:
        retell = _("Retell it as prose, keeping only the line “{first}”.", first=first)
    else:
        retell = _("Retell it as a poem, keeping only the line “{first}”.", first=first)
    return [
        retell,
        _("Write the same moment from the point of view of {subject} itself.", subject=subject),
        _(
            "Move the piece fifty years into the future and let {subject} be all that survives.",
            subject=subject,
        ),
    ]


def finish_analysis(
    report: AnalysisReport | None, text: str, *, truncated: bool, source: str
) -> Analysis:
    """The analysis shown: the model's proposals cleaned, with code-made parts guaranteed.
    ``report`` None means the model could not analyse the text."""
    model_failed = report is None
    report = report or AnalysisReport.empty()
    stats = text_stats(text)
    themes = _clean_items(report.themes, 4)
    remixes = _clean_items(report.remixes, 3, 240)
    for extra in _fallback_remixes(text, themes, stats):
        if len(remixes) >= 3:
            break
        if extra.casefold() not in (r.casefold() for r in remixes):
            remixes.append(extra)
    tone = _clean_items([report.tone], 1, 60)
    form = _clean_items([report.form], 1, 60)
    return Analysis(
        themes=themes,
        motifs=_clean_items(report.motifs, 4),
        imagery=_clean_items(report.imagery, 4),
        tone=tone[0] if tone else "—",
        form=form[0] if form else stats.shape,
        strengths=_clean_items(report.strengths, 3, 160),
        remixes=remixes[:3],
        stats=stats,
        truncated=truncated,
        source=source,
        model_failed=model_failed,
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return _("{size} MB", size=format(count / (1024 * 1024), ".1f"))
    if count >= 1024:
        return _("{size} KB", size=format(count / 1024, ".0f"))
    return ngettext("{n} byte", "{n} bytes", count)
