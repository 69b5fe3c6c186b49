"""The tone pattern (平仄) of a 绝句 as rows under its check: each line's tones against the
pattern that fits it best, the rhyme of the even lines, and what Mandarin tones can't show."""

from __future__ import annotations

from bot.services.prosody.zh import LineTones, ToneCheck

__all__ = ["ENTERING_NOTE", "tone_rows"]

#: Said under every tone check: modern tones can't recover the old entering tone.
ENTERING_NOTE = (
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
        verdict = f"✗ off the pattern at character {at}"
    return f"`{line.number}` {chars} `{line.marks}` · pattern `{line.pattern}` {verdict}"


def tone_rows(tones: ToneCheck) -> list[str]:
    """The 平仄 block: a heading, one row per line, the rhyme and the notes."""
    form = "五言" if tones.size == 5 else "七言"
    rows = [f"**平仄** (tone pattern): closest standard {form} pattern is {tones.name}"]
    rows.extend(_line(line) for line in tones.lines)
    cells = " · ".join(
        f"line {c.line}: {c.char} {c.marked} -{c.final}" + (f" ({c.group})" if c.group else "")
        for c in tones.rhymes
    )
    agree = "they rhyme" if tones.rhymes_agree else "they do not rhyme"
    rows.append(f"**Rhyme**: {cells}: {agree}.")
    oblique = [c.char for c in tones.rhymes if not c.level]
    if oblique:
        rows.append(f"Regulated verse rhymes on level (平) tones; {'、'.join(oblique)} is oblique.")
    if tones.entering:
        rows.append(f"Counted 仄 as old 入声 characters: {'、'.join(tones.entering)}.")
    rows.append(f"*{ENTERING_NOTE}*")
    return rows
