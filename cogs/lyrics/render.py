"""Embeds for the lyric studio, kept inside Discord's limits: 4096 characters per embed
description, 25 fields and 10 embeds per message, 6000 characters per message in all."""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass

import discord

from bot.discord_io import EMBED_DESCRIPTION_LIMIT
from bot.i18n import _, ngettext
from bot.services.lyrics import (
    Analysis,
    Draft,
    DraftSummary,
    LineReport,
)
from bot.services.markdown import escape_markdown
from bot.services.prosody import LineAnalysis, Rhyme, group_by_syllables
from bot.services.prosody.zh import has_han

from .chord_sheet import chords_embed, chords_files

__all__ = [
    "DESCRIPTION_LIMIT",
    "MESSAGE_LIMIT",
    "Block",
    "analysis_pages",
    "chords_embed",
    "chords_files",
    "draft_embeds",
    "drafts_list_embed",
    "embed_size",
    "pack",
    "rhymes_embed",
    "scansion",
    "syllables_pages",
]

DESCRIPTION_LIMIT = EMBED_DESCRIPTION_LIMIT
MESSAGE_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
_SAFE_MESSAGE = MESSAGE_LIMIT - 200  # room for titles and footers we add per page
PASS_COLOUR = discord.Colour.green()
WARN_COLOUR = discord.Colour.orange()
INFO_COLOUR = discord.Colour.blurple()


def embed_size(embed: discord.Embed) -> int:
    """Characters Discord counts towards the 6000 per message."""
    size = len(embed.title or "") + len(embed.description or "")
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    for field in embed.fields:
        size += len(field.name or "") + len(field.value or "")
    return size


def scansion(stress: str) -> str:
    """ "0101" as "x / x /": x unstressed, / stressed (the usual marks for scanning verse)."""
    return " ".join("/" if ch == "1" else "x" for ch in stress)


def _esc(text: str) -> str:
    # The one Markdown escape, plus Discord's mention escape (mentions never ping anyway).
    return discord.utils.escape_mentions(escape_markdown(text))


@dataclass(frozen=True, slots=True)
class Block:
    """A titled run of lines, split across embeds as needed."""

    title: str
    lines: Sequence[str]
    colour: discord.Colour = INFO_COLOUR


def pack(blocks: Sequence[Block], *, limit: int = DESCRIPTION_LIMIT) -> list[list[discord.Embed]]:
    """Blocks into embeds (a long block continues in the next embed) and embeds into
    messages, none over Discord's limits."""
    embeds: list[discord.Embed] = []
    for block in blocks:
        embeds.extend(_block_embeds(block, min(limit, _SAFE_MESSAGE // 2)))
    pages: list[list[discord.Embed]] = [[]]
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if pages[-1] and (total + size > _SAFE_MESSAGE or len(pages[-1]) >= EMBEDS_PER_MESSAGE):
            pages.append([])
            total = 0
        pages[-1].append(embed)
        total += size
    return pages


def _block_embeds(block: Block, limit: int) -> list[discord.Embed]:
    chunks: list[list[str]] = [[]]
    size = 0
    for line in block.lines:
        text = line if len(line) <= 1000 else line[:999] + "…"
        if chunks[-1] and size + len(text) + 1 > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += len(text) + 1
    return [
        discord.Embed(
            title=(block.title if i == 0 else _("{title} (continued)", title=block.title))[:256],
            description="\n".join(chunk),
            colour=block.colour,
        )
        for i, chunk in enumerate(chunks)
    ]


# -- drafts ----------------------------------------------------------------------------------


def _mark(line: LineAnalysis) -> str:
    return "✓" if line.ok_syllables and line.ok_rhyme else "✗"


def _line_row(number: int, line: LineAnalysis, *, notes: bool, short: bool = False) -> str:
    text = line.text if not short or len(line.text) <= 60 else line.text[:59] + "…"
    row = f"`{number:>2}` {_mark(line)} {_esc(text)} — *{line.syllables} · {line.rhyme_letter}*"
    if notes and line.notes:
        row += "\n\u2003↳ " + "; ".join(line.notes)
    return row


def draft_embeds(draft: Draft, *, status: str | None = None) -> list[discord.Embed]:
    """The draft in one message: a header, then each part with its per-line analysis
    (line number, ✓/✗, the line, syllables · rhyme letter). If the whole would not fit one
    message, the notes on failing lines go first, then very long lines are shortened."""
    for notes, short in ((True, False), (False, False), (False, True)):
        embeds = [_draft_header(draft, status)]
        number = 0
        for part in draft.song.parts:
            rows = []
            analysis = draft.analysis[part.key]
            for line in analysis:
                number += 1
                rows.append(_line_row(number, line, notes=notes, short=short))
            low, high = part.syllables or (0, 0)
            target = f"{low}" if low == high else f"{low}–{high}"
            ok = all(a.ok_rhyme and a.ok_syllables for a in analysis)
            repeats = draft.song.order.count(part.key)
            values = {"label": part.shown_label, "scheme": part.scheme, "target": target}
            if repeats > 1:
                title = _(
                    "{label} · {scheme} · {target} syllables · sung {repeats}×",
                    repeats=repeats,
                    **values,
                )
            else:
                title = _("{label} · {scheme} · {target} syllables", **values)
            embeds.append(
                discord.Embed(
                    title=title,
                    description="\n".join(rows)[:DESCRIPTION_LIMIT],
                    colour=PASS_COLOUR if ok else WARN_COLOUR,
                )
            )
        if sum(embed_size(e) for e in embeds) <= MESSAGE_LIMIT - 100:
            return embeds
    return embeds  # pragma: no cover - 32 lines of 60 characters always fit


def _draft_header(draft: Draft, status: str | None) -> discord.Embed:
    labels = [draft.song.part(key).shown_label for key in draft.song.order]
    details = [_("**Structure:** {structure}", structure=" → ".join(labels))]
    if draft.song.genre:
        details.append(_("**Genre:** {genre}", genre=_esc(draft.song.genre)))
    if draft.song.mood:
        details.append(_("**Mood:** {mood}", mood=_esc(draft.song.mood)))
    details.append(
        ngettext(
            "**Checks:** {passing} of {n} line passes "
            "(✓ syllables and rhyme, ✗ not yet). Each line shows *syllables · rhyme letter*.",
            "**Checks:** {passing} of {n} lines pass "
            "(✓ syllables and rhyme, ✗ not yet). Each line shows *syllables · rhyme letter*.",
            draft.total_lines,
            passing=draft.passing,
        )
    )
    if status:
        details.append(f"\n{status}")
    embed = discord.Embed(
        title=f"🎵 {draft.title}"[:256], description="\n".join(details), colour=INFO_COLOUR
    )
    if draft.public:
        footer = (
            _("Draft #{id} · saved · shared in /discover", id=draft.id)
            if draft.saved
            else _("Draft #{id} · not saved yet · shared in /discover", id=draft.id)
        )
    else:
        footer = (
            _("Draft #{id} · saved", id=draft.id)
            if draft.saved
            else _("Draft #{id} · not saved yet", id=draft.id)
        )
    embed.set_footer(text=footer)
    return embed


def drafts_list_embed(
    drafts: Sequence[DraftSummary], with_melody: Set[int] = frozenset()
) -> discord.Embed:
    if not drafts:
        return discord.Embed(
            title=_("Your saved lyrics"),
            description=_(
                "You have no saved drafts yet. Make one with `/lyrics draft` and press **Save**."
            ),
            colour=INFO_COLOUR,
        )
    rows = [_draft_row(d, d.id in with_melody) for d in drafts]
    embed = discord.Embed(
        title=_("Your saved lyrics"),
        description="\n".join(rows)[:DESCRIPTION_LIMIT],
        colour=INFO_COLOUR,
    )
    embed.set_footer(text=_("Pick one below to open it, share it or delete it. Only you see this."))
    return embed


def _draft_row(d: DraftSummary, melody: bool) -> str:
    row = ngettext(
        "**#{id}** {title} · {n} line · {date}",
        "**#{id}** {title} · {n} lines · {date}",
        d.lines,
        id=d.id,
        title=_esc(d.title),
        date=d.updated_at.strftime("%Y-%m-%d"),
    )
    if d.public:
        row += _(" · 🌐 shared")
    if melody:
        row += _(" · 🎼 melody")
    return row


# -- tools -----------------------------------------------------------------------------------


def rhymes_embed(word: str, kind: str, rhymes: Sequence[Rhyme]) -> discord.Embed:
    grouped = group_by_syllables(rhymes)
    embed = discord.Embed(title=_rhymes_title(kind, word)[:256], colour=INFO_COLOUR)
    if not grouped:
        embed.description = _no_rhymes(kind)
        return embed
    chinese = has_han(word)
    embed.description = (
        _("Common words with the same pinyin final, most frequent first within each group.")
        if chinese
        else _("Best first within each group.")
    )
    for count, words in list(grouped.items())[:25]:
        name = (
            ngettext("{n} character", "{n} characters", count)
            if chinese
            else ngettext("{n} syllable", "{n} syllables", count)
        )
        value = ", ".join(words)
        if len(value) > 1024:
            value = value[:1020].rsplit(", ", 1)[0] + ", …"
        embed.add_field(name=name, value=value, inline=False)
    return embed


def _syllable_row(report: LineReport) -> str:
    row = f"`{report.syllables:>2}` {_esc(report.text)}"
    if report.tones:
        group = f", {report.group}" if report.group else ""
        return f"{row}\n\u2003`{report.tones}` · {report.end} -{report.final}{group}"
    return f"{row}\n\u2003`{scansion(report.stress) or '—'}`"


def _zh_rhymes(reports: Sequence[LineReport]) -> list[str]:
    """Lines ending in Chinese that share a final: "光 ~ 霜: -uang"."""
    by_final: dict[str, list[str]] = {}
    for report in reports:
        if report.final:
            chars = by_final.setdefault(report.final, [])
            char = report.end.split(" ", 1)[0]
            if char not in chars:
                chars.append(char)
    return [f"{' ~ '.join(chars[:20])}: -{final}" for final, chars in by_final.items()
            if len(chars) > 1]  # fmt: skip


def _rhymes_title(kind: str, word: str) -> str:
    if kind == "slant":
        return _("Slant rhymes for “{word}”", word=word)
    if kind == "multisyllabic":
        return _("Multisyllabic rhymes for “{word}”", word=word)
    return _("Perfect rhymes for “{word}”", word=word)


def _no_rhymes(kind: str) -> str:
    if kind == "slant":
        return _("I found no slant rhymes for that. Try another type.")
    if kind == "multisyllabic":
        return _(
            "I found no multisyllabic rhymes for that. Try another type (slant rhymes are looser)."
        )
    return _("I found no perfect rhymes for that. Try another type (slant rhymes are looser).")


def syllables_pages(reports: Sequence[LineReport]) -> list[list[discord.Embed]]:
    rows = [_syllable_row(r) for r in reports]
    total = sum(r.syllables for r in reports)
    blocks = [Block(_("Syllables and stress"), rows)]
    rhymes = _zh_rhymes(reports)
    if rhymes:
        blocks.append(Block(_("Rhymes (same pinyin final)"), rhymes[:40]))
    pages = pack(blocks)
    if any(r.tones for r in reports):
        legend = _("a Chinese character is one syllable · 平 level tone, 仄 oblique, 中 neutral")
        if any(not r.tones for r in reports):
            legend += " · " + _("x unstressed, / stressed")
        footer = ngettext("{n} syllable in all", "{n} syllables in all", total) + " · " + legend
    else:
        footer = ngettext(
            "{n} syllable in all · x unstressed, / stressed",
            "{n} syllables in all · x unstressed, / stressed",
            total,
        )
    pages[-1][-1].set_footer(text=footer)
    return pages


def analysis_pages(analysis: Analysis) -> list[list[discord.Embed]]:
    rows = [
        f"`{i:>2}` {_esc(a.text)} — *{a.syllables} · {a.rhyme_letter}*"
        f"\n\u2003`{scansion(a.stress)}`"
        for i, a in enumerate(analysis.lines, start=1)
    ]
    blocks = [Block(_("Rhyme scheme: {scheme}", scheme=analysis.scheme or "—"), rows)]
    extra: list[str] = []
    if analysis.repeated:
        words = ", ".join(f"{_esc(w)} ×{n}" for w, n in analysis.repeated)
        extra.append(_("**Repeated words:** {words}", words=words))
    else:
        extra.append(_("**Repeated words:** none stand out."))
    if analysis.cliches:
        extra.append(_("**Clichés:**"))
        extra.extend(
            _("• line {line}: {note}", line=c.line + 1, note=_esc(c.message))
            for c in analysis.cliches
        )
    else:
        extra.append(_("**Clichés:** none of the usual suspects."))
    if analysis.truncated:
        extra.append(
            ngettext(
                "*{n} more line was not analysed (the limit is 60).*",
                "*{n} more lines were not analysed (the limit is 60).*",
                analysis.truncated,
            )
        )
    blocks.append(Block(_("Word choice"), extra))
    pages = pack(blocks)
    pages[-1][-1].set_footer(
        text=_("Each line: syllables · rhyme letter; x unstressed, / stressed")
    )
    return pages
