"""No parser applied to member text is worse than linear.

Each parser runs on adversarial text at the longest length it can meet (Discord's 6,000 for a
string option when a modified client ignores the schema, or the parser's own bound) and at a
sixteenth of it. A linear parser takes at most ~16 times as long on the long input; a quadratic
one ~256 times. The test asserts the ratio stays within a small multiple (4x) of the linear
ratio: a ratio of times measured side by side, not a wall-clock limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.discord_io import fit_message, split_text
from bot.services.lyrics.request import parse_per_section, parse_structure
from bot.services.lyrics.tools import _LINE_BREAKS, _RHYME_QUERY
from bot.services.potd.service import PotdService
from bot.services.potd.timing import parse_post_time, resolve_timezone, timezone_choices
from bot.services.prosody import parse_scheme, parse_syllable_target
from bot.services.style.analyze import prepare_text
from bot.services.style.profile import keywords_of
from bot.services.text import clean_text

DISCORD_MAX = 6000
SHRINK = 16
ALLOWED = 4.0  # times the linear ratio

# Text shapes that make backtracking regexes and naive loops blow up.
SHAPES: dict[str, Callable[[int], str]] = {
    "letters": lambda n: "a" * n,
    "letters then colon": lambda n: "a" * (n - 1) + ":",
    "digits then letter": lambda n: "1" * (n - 1) + "x",
    "spaces then colon": lambda n: " " * (n - 1) + ":",
    "name colon value": lambda n: ("verse:" + "a" * n)[:n],
    "letter digit": lambda n: ("a1" * n)[:n],
    "pairs": lambda n: ("verse: 8 to " * n)[:n],
    "separators": lambda n: (",;/|" * n)[:n],
    "newline spaces": lambda n: ("\n " * n)[:n],
    "markdown bomb": lambda n: "*" * n,
    "fences": lambda n: ("```" * n)[:n],
    "words": lambda n: ("pre chorus verse " * n)[:n],
}


def _swallow(parse: Callable[[str], object]) -> Callable[[str], None]:
    def run(text: str) -> None:
        try:
            parse(text)
        except Exception:  # a refusal is an answer too; only its cost matters here
            return

    return run


PARSERS: dict[str, tuple[Callable[[str], None], int]] = {
    "structure": (_swallow(parse_structure), DISCORD_MAX),
    "per-section": (
        _swallow(lambda t: parse_per_section(t, ["verse", "chorus"], str, what="x")),
        DISCORD_MAX,
    ),
    "rhyme scheme": (_swallow(parse_scheme), DISCORD_MAX),
    "syllable target": (_swallow(parse_syllable_target), DISCORD_MAX),
    "syllable lines": (_swallow(_LINE_BREAKS.split), DISCORD_MAX),
    "rhyme query": (_swallow(_RHYME_QUERY.match), DISCORD_MAX),
    "clean text": (_swallow(lambda t: clean_text(t, field="x", max_length=DISCORD_MAX)), 24100),
    "post time": (_swallow(parse_post_time), DISCORD_MAX),
    "timezone": (_swallow(resolve_timezone), DISCORD_MAX),
    "timezone autocomplete": (_swallow(timezone_choices), DISCORD_MAX),
    "calendar words": (_swallow(PotdService.parse_calendar_words), DISCORD_MAX),
    "analysis text": (_swallow(lambda t: prepare_text(t, limit=DISCORD_MAX)), DISCORD_MAX),
    "keywords": (_swallow(lambda t: keywords_of([t])), DISCORD_MAX),
    "split": (_swallow(split_text), 60_000),
    "fit": (
        _swallow(lambda t: fit_message({"content": t, "embeds": [{"description": t}]})),
        60_000,
    ),
}


def _cost(parse: Callable[[str], None], text: str, repeats: int) -> float:
    # CPU time of this thread: a busy machine pre-empting the test does not count.
    start = time.thread_time()
    for _ in range(repeats):
        parse(text)
    return (time.thread_time() - start) / repeats


def _ratio(parse: Callable[[str], None], long_text: str, short_text: str) -> float:
    """Cost on the long text over cost on the short one, each the best of interleaved runs
    long enough (~5 ms) for the clock."""
    single = max(_cost(parse, short_text, 1), 1e-6)
    short_repeats = max(1, min(2000, int(0.005 / single)))
    long_repeats = max(1, short_repeats // SHRINK)
    short_best = long_best = float("inf")
    for _ in range(5):
        short_best = min(short_best, _cost(parse, short_text, short_repeats))
        long_best = min(long_best, _cost(parse, long_text, long_repeats))
    return long_best / max(short_best, 1e-9)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_parser_scales_linearly(name: str) -> None:
    parse, longest = PARSERS[name]
    parse("warm up")  # caches (tzdata, dictionaries) are not the parser's cost
    worst = 0.0
    for shape, make in SHAPES.items():
        long_text, short_text = make(longest), make(longest // SHRINK)
        ratio = _ratio(parse, long_text, short_text)
        worst = max(worst, ratio / SHRINK)
        assert ratio <= SHRINK * ALLOWED, (
            f"{name} on {shape!r}: {longest} characters took {ratio:.0f}x as long as "
            f"{longest // SHRINK} (linear would be {SHRINK}x)"
        )
    assert worst > 0
