"""Incremental UTF-8 decoding and stop strings for streamed model output."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from models.batched import TextAssembler

SAMPLES = ["café crème brûlée", "雨の日は静かです", "🌧️☕🦊 👩\u200d🎨", "naïve Zürich señor"]


def chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@given(st.text(min_size=1, max_size=60), st.lists(st.integers(0, 400), max_size=20))
def test_any_split_of_valid_utf8_streams_without_replacement_characters(
    text: str, cuts: list[int]
) -> None:
    assembler = TextAssembler()
    out = [assembler.feed(piece) for piece in chunks(text.encode(), cuts)]
    out.append(assembler.finish())
    assert "".join(out) == text
    if "\ufffd" not in text:
        assert not any("\ufffd" in part for part in out)


def test_a_character_split_across_tokens_is_held_until_complete() -> None:
    assembler = TextAssembler()
    emoji = "🦊".encode()
    assert assembler.feed(b"fox " + emoji[:2]) == "fox "
    assert assembler.feed(emoji[2:3]) == ""
    assert assembler.feed(emoji[3:]) == "🦊"
    for sample in SAMPLES:
        a = TextAssembler()
        data = sample.encode()
        assert "".join(a.feed(data[i : i + 1]) for i in range(len(data))) + a.finish() == sample


def test_a_character_cut_off_by_the_end_of_generation_is_dropped() -> None:
    assembler = TextAssembler()
    assert assembler.feed(b"ok " + "😀".encode()[:2]) == "ok "
    assert assembler.finish() == ""


def test_stop_string_arriving_in_pieces_is_never_shown() -> None:
    assembler = TextAssembler(stops=("</end>",))
    shown = [assembler.feed(p) for p in (b"The poem</", b"en", b"d> trailing")]
    assert "".join(shown) == "The poem" and assembler.stopped
    assert assembler.feed(b"more") == "" and assembler.finish() == ""


def test_a_false_start_of_a_stop_string_is_released() -> None:
    assembler = TextAssembler(stops=("STOP",))
    assert assembler.feed(b"a ST") == "a "
    assert assembler.feed(b"ART") == "START"
    assert assembler.feed(b" S") == " "
    assert assembler.finish() == "S"


def test_the_earliest_of_several_stop_strings_wins() -> None:
    assembler = TextAssembler(stops=("\n\n", "User:"))
    assert assembler.feed(b"line User: x\n\n") == "line "
