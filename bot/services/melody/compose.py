"""Composing: the lyric's syllables placed in time, the chords under them, and a pitch for
every syllable chosen by a bounded search that keeps the craft rules.

Rules every melody keeps (the search backtracks to keep them; see :func:`_search`):

* every note is inside the voice's range;
* a note that starts on a strong beat, and the last note of every line, is a tone of the chord
  under it; other notes are tones of the key's scale (with the leading tone over a minor key's
  major V);
* no interval is larger than a major sixth, and none is a tritone;
* after a leap (a fourth or more) the tune turns back by step;
* every section ends on the same tonic note, over a V-I cadence, reached by a third at most,
  and starts within a third of it, so the song ends on the tonic and no join is a leap;
* a section sung again with the same words is sung to the same notes.

Only when the search can't keep them all within its budget does it drop the turn-back rule,
then widen the largest leap to an octave, and last choose note by note (never breaking range,
chord tones or the final tonic). The seed decides every choice, so the same seed, proposal and
lyric give the same melody.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.services.chords import scale_notes

from .contour import shape
from .harmony import bar_chords, pitch_class, progressions_by_kind, scale_pcs
from .pitches import Slot, choose_pitches
from .rhythm import line_length, place_line
from .syllabify import Syllable, line_syllables_of
from .types import BAR, Melody, MelodyChord, MelodyParams, Note, Proposal, SectionText, is_strong

__all__ = ["compose", "home_pitch"]


def home_pitch(params: MelodyParams) -> int:
    """The tonic the sections end on: in range, with room above it for the tune to rise."""
    tonic = pitch_class(params.key)
    options = [p for p in range(params.low, params.high + 1) if p % 12 == tonic]
    ideal = params.low + params.span * 0.3
    return min(options, key=lambda p: (abs(p - ideal), p))


def compose(
    sections: Sequence[SectionText],
    params: MelodyParams,
    seed: int,
    proposal: Proposal,
    *,
    title: str = "Melody",
) -> Melody:
    kinds = [s.kind for s in sections]
    degrees = progressions_by_kind(params, kinds, seed)
    home = home_pitch(params)
    made: dict[str, tuple[list[Note], list[MelodyChord], int]] = {}
    notes: list[Note] = []
    chords: list[MelodyChord] = []
    bars: list[tuple[int, int]] = []
    line_number = 0
    for index, (section, kind) in enumerate(zip(sections, kinds, strict=True)):
        if section.identity not in made:
            rng = random.Random(f"{seed}/{len(made)}")
            lift = proposal.chorus_lift and "chorus" in kind
            made[section.identity] = _section(
                section, params, degrees[kind], home, proposal, lift, rng
            )
        pattern, pattern_chords, count = made[section.identity]
        offset = len(chords)
        lines_here = 1 + max((n.line for n in pattern), default=-1)
        for note in pattern:
            notes.append(
                Note(
                    pitch=note.pitch,
                    onset=note.onset + offset * BAR,
                    duration=note.duration,
                    text=note.text,
                    syllabic=note.syllabic,
                    stressed=note.stressed,
                    section=index,
                    line=line_number + note.line,
                )
            )
        line_number += lines_here
        for chord in pattern_chords:
            chords.append(_at_bar(chord, chord.bar + offset))
        bars.append((offset, count))
    return Melody(
        title=title,
        params=params,
        seed=seed,
        proposal=proposal,
        notes=tuple(notes),
        chords=tuple(chords),
        sections=tuple(sections),
        section_bars=tuple(bars),
        tonic_pitch=home,
        scale=tuple(scale_notes(params.key, params.mode)),
    )


def _at_bar(chord: MelodyChord, bar: int) -> MelodyChord:
    return MelodyChord(
        bar, chord.name, chord.root, chord.quality, chord.degree, chord.pitch_classes,
        chord.notes, chord.bass,
    )  # fmt: skip


def _section(
    section: SectionText,
    params: MelodyParams,
    degrees: tuple[int, ...],
    home: int,
    proposal: Proposal,
    lift: bool,
    rng: random.Random,
) -> tuple[list[Note], list[MelodyChord], int]:
    """One section's notes and chords, from its first bar (bar 0)."""
    placed_lines = []
    at = 0
    for line in section.lines:
        syllables = line_syllables_of(line)
        if not syllables:
            continue
        placed = place_line(syllables, proposal.feel, rng)
        placed_lines.append((at, placed))
        at += line_length(placed)
    bars = at // BAR
    chords = bar_chords(params, degrees, bars, 0)
    plain = scale_pcs(params)
    leading = scale_pcs(params, leading_tone=True)
    slots: list[Slot] = []
    shown: list[tuple[int, int, Syllable, int]] = []
    total = max(1, at)
    # Each section places its climax a little differently around the proposal's (seeded).
    climax = proposal.climax + rng.uniform(-0.08, 0.08)
    for line_index, (start, placed) in enumerate(placed_lines):
        length = line_length(placed)
        for k, item in enumerate(placed):
            onset = start + item.onset
            chord = chords[onset // BAR]
            t_line = item.onset / max(1, length)
            height = 0.85 * shape(proposal.contour, climax, onset / total)
            height += 0.15 * (1 - abs(2 * t_line - 1))
            slots.append(
                Slot(
                    onset=onset,
                    strong=is_strong(onset),
                    line_end=k == len(placed) - 1,
                    chord=chord,
                    scale=leading if chord.quality == "major" and chord.degree == 5 else plain,
                    height=height,
                )
            )
            shown.append((onset, item.duration, item.syllable, line_index))
    pitches = choose_pitches(slots, params, home, lift, rng)
    notes = [
        Note(pitch, onset, duration, s.text, s.syllabic, s.stressed, 0, line)
        for pitch, (onset, duration, s, line) in zip(pitches, shown, strict=True)
    ]
    return notes, chords, bars
