"""What a member asks for a melody is checked before anything is composed."""

from __future__ import annotations

import pytest

from bot.errors import UserInputError
from bot.services.melody import (
    LINES_LIMIT,
    MAX_LINES,
    melody_params,
    parse_lyric,
)
from bot.services.melody.contour import ProposalModel, checked, code_proposal
from bot.services.melody.request import parse_progression


def test_presets_and_a_custom_range() -> None:
    p = melody_params(key="f#", mode="Minor", tempo=120, voice="Tenor")
    assert (p.key, p.mode, p.low, p.high, p.voice) == ("F#", "minor", 48, 67, "tenor")
    q = melody_params(key="Bb", mode="major", tempo=90, voice="custom", low=58, high=70)
    assert (q.low, q.high) == (58, 70)


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"key": "H"}, "isn't a key I know"),
        ({"key": "C##"}, "isn't a key I know"),
        ({"mode": "dorian"}, "choose major or minor"),
        ({"tempo": 10}, "Tempo must be 40-240"),
        ({"voice": "custom", "low": 60, "high": 62}, "too narrow"),
        ({"voice": "custom", "low": 60, "high": 60}, "too narrow"),
        ({"voice": "custom", "low": 60}, "needs both low and high"),
        ({"voice": "custom", "low": 10, "high": 30}, "must be MIDI notes"),
        ({"voice": "soprano", "low": 60, "high": 70}, "for a custom voice"),
        ({"voice": "custom", "key": "A", "low": 60, "high": 67}, "has no A"),
        ({"voice": "choir"}, "Pick a voice"),
        ({"progression": "I-V-xyz"}, "isn't a chord I can place"),
        ({"progression": "I"}, "2 to 8 chords"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_sentence(
    options: dict[str, object], said: str
) -> None:
    base: dict[str, object] = {"key": "C", "mode": "major", "tempo": 90, "voice": "alto"}
    with pytest.raises(UserInputError, match=said) as raised:
        melody_params(**(base | options))  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError)  # MelodyInputError or the chord tools' own


def test_progressions_in_numerals_or_degrees() -> None:
    assert parse_progression("I-V-vi-IV") == (1, 5, 6, 4)
    assert parse_progression("ii V I") == (2, 5, 1)
    assert parse_progression("1 4 5 1") == (1, 4, 5, 1)
    assert parse_progression("vii° I") == (7, 1)
    assert parse_progression("  ") is None


def test_pasted_lyric_sections_and_labels() -> None:
    sections = parse_lyric(
        "[Verse] The rain / is on the roof // [Chorus] Sing it out / loud // [Chorus] Sing it "
        "out / loud"
    )
    assert [s.label for s in sections] == ["Verse", "Chorus", "Chorus"]
    assert sections[0].lines == ("The rain", "is on the roof")
    assert sections[1].identity == sections[2].identity
    assert [s.label for s in parse_lyric("one line / two line\n\nthree")] == [
        "Section 1",
        "Section 2",
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("   ", "lyric"),
        ("!!! / ...", "some words to sing"),
        ("/".join(["la"] * 500), f"at most {MAX_LINES}"),
        ("la " * 40, "syllables"),
        ("x" * (LINES_LIMIT + 1), "limit"),
    ],
)
def test_bad_lyrics_are_refused(text: str, said: str) -> None:
    with pytest.raises(UserInputError, match=said):
        parse_lyric(text)


def test_the_models_proposal_is_checked_and_clamped() -> None:
    good = checked({"contour": "arch", "feel": "dotted", "climax_percent": 99, "chorus_lift": 1})
    assert good is not None and good.climax == 0.85 and good.source == "model"
    assert checked({"contour": "zigzag", "feel": "even", "climax_percent": 5}) is None
    assert checked("not json") is None
    assert checked(ProposalModel(contour="wave", feel="even", climax_percent=0, chorus_lift=False))
    assert code_proposal(7) == code_proposal(7) and code_proposal(7).source == "code"
