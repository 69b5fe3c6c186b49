"""A poem shown with its checks: one row per line (number, ✓ or ✗, the line, its syllables and
rhyme letter) and, under a ✗, why it misses; kept inside Discord's embed limits."""

from __future__ import annotations

import discord

from bot.discord_io import split_text
from bot.i18n import _, ngettext
from bot.services.markdown import escape_line
from bot.services.prosody import LineCheck, PoemCheck

from .tones import tone_rows

__all__ = ["check_pages", "check_rows", "verdict"]

PASS_COLOUR = discord.Colour.green()
MISS_COLOUR = discord.Colour.orange()
#: Two embeds of this size, a title and a footer stay under Discord's 6000 per message.
PAGE_CHARS = 2800
EMBEDS_PER_PAGE = 2


def _esc(text: str) -> str:
    return discord.utils.escape_mentions(escape_line(text))


def _facts(line: LineCheck, script: str) -> str:
    """A line's count (characters for a Chinese form, syllables otherwise) and its checks."""
    count = f"{line.counted}" if line.target is None else f"{line.counted}/{_want(line)}"
    chinese = script == "han"
    parts = [_("{count} char.", count=count) if chinese else _("{count} syll.", count=count)]
    if line.letter:
        parts.append(line.letter)
    if line.refrain_of is not None:
        parts.append(_("refrain of {line}", line=line.refrain_of))
    if line.meter_ok is not None:
        parts.append(_("iambic") if line.meter_ok else _("off-beat"))
    return " · ".join(parts)


def _want(line: LineCheck) -> str:
    assert line.target is not None
    low, high = line.target
    return str(low) if low == high else f"{low}-{high}"


def check_rows(check: PoemCheck) -> list[str]:
    """One row per line, plus a row of reasons under each line that misses."""
    rows: list[str] = []
    for line in check.lines:
        mark = "✓" if line.ok else "✗"
        facts = _facts(line, check.form.script)
        rows.append(f"`{line.number:>2}` {mark} {_esc(line.text)} — *{facts}*")
        if line.problems:
            rows.append(f"     ↳ {_esc('; '.join(line.problems))}")
    return rows


def verdict(check: PoemCheck, *, rounds: int | None = None) -> str:
    """The summary under the rows: everything fits, or exactly which lines still miss."""
    form = check.form
    missing = [str(line.number) for line in check.lines if not line.ok]
    parts = [_esc(problem) for problem in check.problems]
    label, summary = form.shown_label.lower(), form.shown_summary
    if check.ok:
        return _("✓ Every line fits the {form}: {summary}.", form=label, summary=summary)
    if missing:
        parts.append(
            ngettext(
                "✗ {missing} of {n} lines miss ({summary}): {which}.",
                "✗ {missing} of {n} lines miss ({summary}): {which}.",
                len(check.lines),
                missing=len(missing),
                summary=summary,
                which=", ".join(missing),
            )
        )
    if rounds is not None:
        parts.append(
            ngettext(
                "These still missed after {n} repair round; "
                "a larger model (MUSE_MODEL_PATH) misses far less.",
                "These still missed after {n} repair rounds; "
                "a larger model (MUSE_MODEL_PATH) misses far less.",
                rounds,
            )
        )
    return "\n".join(parts)


def check_pages(
    title: str, check: PoemCheck, *, rounds: int | None = None
) -> list[list[discord.Embed]]:
    """The checked poem as messages of embeds (a long poem continues in the next embed)."""
    body = "\n".join(check_rows(check)) + "\n\n" + verdict(check, rounds=rounds)
    if check.tones is not None:
        body += "\n\n" + "\n".join(tone_rows(check.tones))
    colour = PASS_COLOUR if check.ok else MISS_COLOUR
    embeds = [discord.Embed(description=c, colour=colour) for c in split_text(body, PAGE_CHARS)]
    embeds[0].title = title[:256]
    return [embeds[i : i + EMBEDS_PER_PAGE] for i in range(0, len(embeds), EMBEDS_PER_PAGE)]
