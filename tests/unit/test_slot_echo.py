"""The prompt's slot markers never reach a member, however the stream is cut."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from bot.services.slot_echo import SlotEchoFilter


def run(pieces: list[str]) -> str:
    echo = SlotEchoFilter()
    return "".join(echo.feed(p) for p in pieces) + echo.finish()


def cuts(text: str, points: list[int]) -> list[str]:
    marks = sorted({p % (len(text) + 1) for p in points} | {0, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(marks)]


POEM = "<<<rain>>\nRain on the roof,\n  <<<rain>>>\nsoft <<as>> a sigh.\nI <3 you -> always."


def test_an_echoed_slot_line_is_dropped_and_runs_removed() -> None:
    assert run([POEM]) == "Rain on the roof,\nsoft as a sigh.\nI <3 you -> always."


@given(st.lists(st.integers(min_value=0, max_value=len(POEM)), max_size=12))
def test_any_cutting_of_the_stream_gives_the_same_text(points: list[int]) -> None:
    assert run(cuts(POEM, points)) == run([POEM])


@given(st.text(alphabet="ab <>\n", max_size=60), st.lists(st.integers(0, 60), max_size=8))
def test_no_marker_run_ever_gets_through(text: str, points: list[int]) -> None:
    shown = run(cuts(text, points))
    assert "<<" not in shown and ">>" not in shown
    assert shown == run([text])  # streaming never changes the outcome


def test_removing_one_run_never_joins_two_others() -> None:
    assert run(["a<>><b"]) == "ab"


def test_text_without_markers_passes_unchanged() -> None:
    plain = "A poem about a < b and c > d,\nwith no markers at all.\n"
    assert run(list(plain)) == plain
