"""The tone pattern (平仄) of a 绝句 as rows under its check: each line's tones against the
pattern that fits it best, the rhyme of the even lines, and what Mandarin tones can't show."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.services.prosody.zh import LineTones, ToneCheck

__all__ = ["ENTERING_NOTE", "tone_rows"]

#: Said under every tone check: modern tones can't recover the old entering tone.
ENTERING_NOTE = N_(
    "Tones are Mandarin's. The entering tone (入声) of Tang verse is gone from Mandarin: its "
    "characters were all oblique, but many now sound level. Common ones (白 国 一 十 …) are "
    "counted 仄; others may still show as 平. 中 = either tone (a character read both ways, or "
    "a neutral tone); 一三五不论 leaves the 1st, 3rd (and 5th) characters free."
)


def _line(line: LineTones) -> str:
    chars = "".join(c.char for c in line.chars)
    if line.ok:
        verdict = "✓"
    else:
        at = ", ".join(f"{i + 1} ({line.chars[i].char})" for i in line.misses)
        verdict = _("✗ off the pattern at character {at}", at=at)
    return _(
        "`{number}` {chars} `{marks}` · pattern `{pattern}` {verdict}",
        number=line.number,
        chars=chars,
        marks=line.marks,
        pattern=line.pattern,
        verdict=verdict,
    )


def tone_rows(tones: ToneCheck) -> list[str]:
    """The 平仄 block: a heading, one row per line, the rhyme and the notes."""
    form = "五言" if tones.size == 5 else "七言"
    rows = [
        _(
            "**平仄** (tone pattern): closest standard {form} pattern is {name}",
            form=form,
            name=tones.name,
        )
    ]
    rows.extend(_line(line) for line in tones.lines)
    cells = " · ".join(
        _(
            "line {line}: {char} {marked} -{final}",
            line=c.line,
            char=c.char,
            marked=c.marked,
            final=c.final,
        )
        + (f" ({c.group})" if c.group else "")
        for c in tones.rhymes
    )
    if tones.rhymes_agree:
        rows.append(_("**Rhyme**: {cells}: they rhyme.", cells=cells))
    else:
        rows.append(_("**Rhyme**: {cells}: they do not rhyme.", cells=cells))
    oblique = [c.char for c in tones.rhymes if not c.level]
    if oblique:
        rows.append(
            _(
                "Regulated verse rhymes on level (平) tones; {chars} is oblique.",
                chars="、".join(oblique),
            )
        )
    if tones.entering:
        rows.append(
            _("Counted 仄 as old 入声 characters: {chars}.", chars="、".join(tones.entering))
        )
    rows.append(f"*{ENTERING_NOTE}*")
    return rows
