"""The fixed poetry forms (forms.toml) and ``check_poem``: real poems pass, broken ones say
exactly which lines miss and why."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.prosody import (
    check_poem,
    form_spec,
    forms,
    line_readings,
    rhymes_in_verse,
    split_poem,
)

# -- real poems ---------------------------------------------------------------------------

HAIKU = """An old silent pond
A frog jumps into the pond
Splash! Silence again."""

# Written for this test to the 5-7-5-7-7 count.
TANKA = """The autumn wind blows
over fields of golden wheat
and the old farmhouse
where my grandmother once sang
songs I have almost lost now"""

# Adelaide Crapsey, "November Night" (Verse, 1915).
CINQUAIN = """Listen...
With faint dry sound,
Like steps of passing ghosts,
The leaves, frost-crisp'd, break from the trees
And fall."""

# Edward Lear, A Book of Nonsense (1846).
LIMERICK = """There was an Old Man with a beard,
Who said, 'It is just as I feared!
Two Owls and a Hen,
Four Larks and a Wren,
Have all built their nests in my beard!'"""

SONNET_18 = """Shall I compare thee to a summer's day?
Thou art more lovely and more temperate:
Rough winds do shake the darling buds of May,
And summer's lease hath all too short a date;
Sometime too hot the eye of heaven shines,
And often is his gold complexion dimm'd;
And every fair from fair sometime declines,
By chance or nature's changing course untrimm'd;
But thy eternal summer shall not fade,
Nor lose possession of that fair thou ow'st;
Nor shall death brag thou wander'st in his shade,
When in eternal lines to time thou grow'st:
So long as men can breathe or eyes can see,
So long lives this, and this gives life to thee."""

SONNET_130 = """My mistress' eyes are nothing like the sun;
Coral is far more red than her lips' red;
If snow be white, why then her breasts are dun;
If hairs be wires, black wires grow on her head.
I have seen roses damask'd, red and white,
But no such roses see I in her cheeks;
And in some perfumes is there more delight
Than in the breath that from my mistress reeks.
I love to hear her speak, yet well I know
That music hath a far more pleasing sound;
I grant I never saw a goddess go;
My mistress, when she walks, treads on the ground:
And yet, by heaven, I think my love as rare
As any she belied with false compare."""

# Edwin Arlington Robinson, "The House on the Hill" (1894), stanza breaks as blank lines.
VILLANELLE = """They are all gone away,
The House is shut and still,
There is nothing more to say.

Through broken walls and gray
The winds blow bleak and shrill:
They are all gone away.

Nor is there one to-day
To speak them good or ill:
There is nothing more to say.

Why is it then we stray
Around the sunken sill?
They are all gone away,

And our poor fancy-play
For them is wasted skill:
There is nothing more to say.

There is ruin and decay
In the House on the Hill:
They are all gone away,
There is nothing more to say."""

FREE_VERSE = """so much depends
upon the plain words
we leave on the table"""

REAL = [
    ("haiku", HAIKU),
    ("tanka", TANKA),
    ("cinquain", CINQUAIN),
    ("limerick", LIMERICK),
    ("sonnet", SONNET_18),
    ("sonnet", SONNET_130),
    ("villanelle", VILLANELLE),
    ("free_verse", FREE_VERSE),
]


def test_every_form_is_data_with_the_rules_of_the_form() -> None:
    table = forms()
    assert set(table) == {
        "haiku",
        "tanka",
        "cinquain",
        "limerick",
        "sonnet",
        "villanelle",
        "wuyan_jueju",
        "qiyan_jueju",
        "free_verse",
    }
    assert table["haiku"].syllables == ((5, 5), (7, 7), (5, 5))
    assert [t[0] for t in table["tanka"].syllables if t] == [5, 7, 5, 7, 7]
    assert [t[0] for t in table["cinquain"].syllables if t] == [2, 4, 6, 8, 2]
    assert table["limerick"].scheme == "AABBA"
    assert table["limerick"].syllables == ((8, 9), (8, 9), (5, 6), (5, 6), (8, 9))
    sonnet = table["sonnet"]
    assert sonnet.lines == 14 and sonnet.scheme == "ABABCDCDEFEFGG" and sonnet.meter == "iambic"
    assert set(sonnet.syllables) == {(10, 10)}
    villanelle = table["villanelle"]
    assert villanelle.lines == 19 and villanelle.scheme == "ABA" * 5 + "ABAA"
    # 1-based: A1 at 1, 6, 12, 18 and A2 at 3, 9, 15, 19.
    assert {k + 1: v + 1 for k, v in villanelle.refrains.items()} == {
        6: 1,
        12: 1,
        18: 1,
        9: 3,
        15: 3,
        19: 3,
    }
    assert len(villanelle.own_lines) == 13
    assert not table["free_verse"].fixed and table["free_verse"].scheme == ""


@pytest.mark.parametrize(("key", "poem"), REAL, ids=[f"{k}-{i}" for i, (k, _) in enumerate(REAL)])
def test_real_poems_pass_their_form(key: str, poem: str) -> None:
    check = check_poem(split_poem(poem), form_spec(key))
    failing = [(line.number, line.problems) for line in check.lines if not line.ok]
    assert check.ok, (check.problems, failing)
    for line in check.lines:
        if line.target is not None:
            low, high = line.target
            assert low <= line.counted <= high


def test_verse_tolerances_are_what_let_shakespeare_pass() -> None:
    # "every" may be two syllables, "heaven" one-and-a-bit, "wires" one: CMU's first reading
    # counts 11 or 12, a reading verse allows counts 10.
    assert line_readings("And every fair from fair sometime declines")[0] == 10
    assert line_readings("And yet, by heaven, I think my love as rare")[0] == 10
    assert line_readings("If hairs be wires, black wires grow on her head")[0] == 10
    assert rhymes_in_verse("temperate", "date")  # an eye rhyme on "-ate"
    assert rhymes_in_verse("dimm'd", "untrimm'd")
    assert not rhymes_in_verse("beard", "beard")  # the same word is not a rhyme
    assert not rhymes_in_verse("night", "table")


# -- broken poems: the right lines, the right reason ------------------------------------------


def _failing(key: str, poem: str) -> dict[int, str]:
    check = check_poem(split_poem(poem), form_spec(key))
    assert not check.ok
    return {line.number: "; ".join(line.problems) for line in check.lines if not line.ok}


def test_a_haiku_with_a_short_middle_line_fails_that_line_only() -> None:
    broken = HAIKU.replace("A frog jumps into the pond", "A frog jumps in")
    assert _failing("haiku", broken) == {2: "4 syllables, needs 7"}


def test_a_tanka_missing_a_line_says_so() -> None:
    check = check_poem(split_poem(TANKA)[:4], form_spec("tanka"))
    assert not check.ok and check.problems == ("A tanka has 5 lines; this has 4.",)
    assert all(line.ok for line in check.lines)


def test_extra_lines_are_marked() -> None:
    check = check_poem([*split_poem(HAIKU), "and one line more"], form_spec("haiku"))
    assert check.failing == (3,) and check.lines[3].extra
    assert "ends at line 3" in check.lines[3].problems[0]


def test_a_cinquain_with_a_long_first_line() -> None:
    broken = CINQUAIN.replace("Listen...", "Listen, listen now")
    assert _failing("cinquain", broken) == {1: "5 syllables, needs 2"}


def test_a_limerick_whose_last_line_does_not_rhyme() -> None:
    broken = LIMERICK.replace("nests in my beard!'", "nests in my hat!'")
    failing = _failing("limerick", broken)
    assert set(failing) == {5}
    assert '"hat" does not rhyme with' in failing[5]


def test_a_limerick_with_long_short_lines() -> None:
    broken = LIMERICK.replace("Two Owls and a Hen", "Two very large Owls and a little brown Hen")
    failing = _failing("limerick", broken)
    assert set(failing) == {3} and "needs 5-6" in failing[3]


def test_a_sonnet_line_off_the_iambic_beat() -> None:
    # Ten syllables, rhymes with "May", but "gardens", "rivers", "mountains" are stressed on
    # odd syllables.
    broken = SONNET_18.replace(
        "Shall I compare thee to a summer's day?", "I see gardens, rivers, mountains and day"
    )
    check = check_poem(split_poem(broken), form_spec("sonnet"))
    assert check.failing == (0,)
    line = check.lines[0]
    assert line.meter_ok is False and line.ok_syllables and line.ok_rhyme
    assert "gardens" in line.problems[0]


def test_a_sonnet_couplet_that_does_not_rhyme() -> None:
    broken = SONNET_18.replace("gives life to thee.", "gives life to you.")
    assert set(_failing("sonnet", broken)) == {13, 14}


def test_a_villanelle_with_a_changed_refrain_and_a_lost_rhyme() -> None:
    lines = split_poem(VILLANELLE)
    lines[11] = "They have all gone away,"  # line 12 is refrain A1
    lines[9] = "Why is it then we roam"  # line 10 must rhyme with "away"
    check = check_poem(lines, form_spec("villanelle"))
    failing = {line.number: "; ".join(line.problems) for line in check.lines if not line.ok}
    assert set(failing) == {10, 12}
    assert "repeat line 1" in failing[12]
    assert '"roam" does not rhyme' in failing[10]


def test_a_refrain_copy_answers_for_its_source_rhyme() -> None:
    lines = split_poem(VILLANELLE)
    for n in (3, 9, 15, 19):  # A2 changed everywhere, consistently, to a non-rhyme
        lines[n - 1] = "There is nothing more to tell."
    check = check_poem(lines, form_spec("villanelle"))
    assert {line.number for line in check.lines if not line.ok} == {3, 9, 15, 19}
    assert check.lines[8].refrain_of == 3 and "as line 3" in check.lines[8].problems[0]


def test_free_verse_only_bounds_the_line_count() -> None:
    check = check_poem(["one"], form_spec("free_verse"))
    assert check.ok and check.lines[0].letter is None and check.lines[0].target is None
    assert not check_poem([], form_spec("free_verse")).ok


# -- splitting ------------------------------------------------------------------------------


def test_split_on_newlines_and_spaced_slashes() -> None:
    assert split_poem("An old pond / a frog jumps in /splash") == [
        "An old pond",
        "a frog jumps in /splash",
    ]
    assert split_poem("and/or this\n\n  that  \r\nlast / line") == [
        "and/or this",
        "that",
        "last",
        "line",
    ]
    assert split_poem(" \n / \n") == []


_WORDS = st.sampled_from(
    ["the", "river", "light", "again", "fire", "heaven", "every", "moon", "beautiful", "sky"]
)
_LINE = st.lists(_WORDS, min_size=1, max_size=9).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_LINE, min_size=0, max_size=8), st.sampled_from(sorted(forms())))
def test_any_poem_gets_one_verdict_per_line(lines: list[str], key: str) -> None:
    form = form_spec(key)
    check = check_poem(lines, form)
    assert len(check.lines) == len(lines)
    assert check.ok == (not check.problems and all(not line.problems for line in check.lines))
    for number, line in enumerate(check.lines, start=1):
        assert line.number == number
        low, high = line_readings(line.text)
        assert low <= line.syllables <= high
        assert line.ok_syllables == (
            line.target is None or not (high < line.target[0] or low > line.target[1])
        )
    assert split_poem(" / ".join(lines)) == lines
