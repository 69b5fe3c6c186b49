"""Melodies keep their craft over many lyrics, keys, ranges and seeds (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.services.melody import MelodyParams, Proposal, SectionText, code_proposal, compose
from tests.unit.melody_cases import (
    expected_syllables,
    lyrics,
    params,
    proposals,
    shares_of,
    tonic_pc,
)

MANY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**31 - 1)


@MANY
@given(lyrics(), params(), seeds, proposals)
def test_every_melody_keeps_the_rules(
    sections: tuple[SectionText, ...], p: MelodyParams, seed: int, proposal: Proposal
) -> None:
    melody = compose(sections, p, seed, proposal)
    # One note per syllable, in order, none overlapping the next.
    assert len(melody.notes) == expected_syllables(sections)
    for a, b in zip(melody.notes, melody.notes[1:], strict=False):
        assert a.end <= b.onset and a.duration >= 1
    shares = shares_of(melody)
    assert shares.in_range == 1.0
    assert shares.stressed_on_strong >= 0.95  # stated threshold (by construction: all)
    assert shares.chord_tones_on_strong == 1.0
    lines_sung = sum(len(s.lines) for s in sections)
    if (
        len(melody.notes) >= 20
        and len(melody.notes) >= 4 * lines_sung
        and all(len(s.lines) >= 2 for s in sections)
    ):
        # Lines of a word or two are all line ends (chord tones), and a one-line section is all
        # cadence (V-I to the tonic), so skips are unavoidable there; real lines in real
        # sections move mostly by step.
        assert shares.stepwise >= 0.5
    assert shares.largest_leap <= 9  # a major sixth
    assert shares.unrecovered_leaps == 0
    # Every line ends on a tone of its chord; every section on the tonic, over V-I.
    lines: dict[int, list[int]] = {}
    for index, note in enumerate(melody.notes):
        lines.setdefault(note.line, []).append(index)
    for indices in lines.values():
        last = melody.notes[indices[-1]]
        assert last.pitch % 12 in melody.chord_at(last.onset).pitch_classes
    for first_bar, count in melody.section_bars:
        end = [n for n in melody.notes if first_bar <= n.onset // 8 < first_bar + count][-1]
        assert end.pitch == melody.tonic_pitch and end.onset // 8 == first_bar + count - 1
        assert melody.chords[first_bar + count - 1].degree == 1
        assert melody.chords[first_bar + count - 2].degree == 5
    assert melody.notes[-1].pitch % 12 == tonic_pc(p)


@MANY
@given(lyrics(), params(), seeds)
def test_same_seed_same_melody_and_the_chorus_is_sung_the_same_each_time(
    sections: tuple[SectionText, ...], p: MelodyParams, seed: int
) -> None:
    first = compose(sections, p, seed, code_proposal(seed))
    assert compose(sections, p, seed, code_proposal(seed)) == first
    by_section: dict[int, list[tuple[int, int, int, str]]] = {}
    for note in first.notes:
        start = first.section_bars[note.section][0] * 8
        by_section.setdefault(note.section, []).append(
            (note.pitch, note.onset - start, note.duration, note.text)
        )
    chorus = [i for i, s in enumerate(sections) if s.label == "Chorus"]
    assert len(chorus) >= 2
    assert all(by_section[i] == by_section[chorus[0]] for i in chorus)
    chords = [
        [c.name for c in first.chords[b : b + n]] for i, (b, n) in enumerate(first.section_bars)
        if i in chorus
    ]  # fmt: skip
    assert all(c == chords[0] for c in chords)


@settings(max_examples=40, deadline=None)
@given(lyrics(), params(), st.lists(seeds, min_size=4, max_size=4, unique=True))
def test_different_seeds_give_different_melodies(
    sections: tuple[SectionText, ...], p: MelodyParams, several: list[int]
) -> None:
    # A section of a word or two is its final tonic and little else: nothing to vary.
    assume(all(expected_syllables((s,)) >= 6 for s in sections))
    tunes = {
        tuple(n.pitch for n in compose(sections, p, s, code_proposal(s)).notes) for s in several
    }
    assert len(tunes) >= 2


def test_stressed_syllables_land_on_beats_one_and_three() -> None:
    p = MelodyParams("C", "major", 90, "soprano", 60, 79)
    melody = compose([SectionText("Verse", ("Remember the morning",))], p, 1, code_proposal(1))
    stressed = {n.text: n.onset % 8 for n in melody.notes if n.stressed}
    assert set(stressed) == {"mem", "morn"}
    assert set(stressed.values()) <= {0, 4}
    assert [n.text for n in melody.notes] == ["Re", "mem", "ber", "the", "morn", "ing"]
    assert [n.syllabic for n in melody.notes] == [
        "begin", "middle", "end", "single", "begin", "end",
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(lyrics(), seeds, st.integers(-5, 5))
def test_transposing_key_and_range_together_moves_every_note_by_the_same_interval(
    sections: tuple[SectionText, ...], seed: int, shift: int
) -> None:
    base = MelodyParams("E", "minor", 100, "custom", 52, 70)
    moved_key = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")[(4 + shift) % 12]
    moved = MelodyParams(moved_key, "minor", 100, "custom", 52 + shift, 70 + shift)
    a = compose(sections, base, seed, code_proposal(seed))
    b = compose(sections, moved, seed, code_proposal(seed))
    assert [n.pitch + shift for n in a.notes] == [n.pitch for n in b.notes]
    assert [n.onset for n in a.notes] == [n.onset for n in b.notes]
