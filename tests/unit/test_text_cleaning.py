"""``clean_text``: keeps what people write, removes what no file format accepts."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserInputError
from bot.services.text import (
    NAME_LIMIT,
    clean_display_name,
    clean_text,
    is_noncharacter,
    printable,
)

# XML 1.0's Char production: what an EPUB's XHTML may hold.
_XML_CHAR = re.compile("[\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d👩\u200d👧\u200d👦",  # family: ZWJ sequence
        "🧑🏽\u200d🚀 ❤️ 🏳️\u200d🌈",  # skin tone, variation selector, rainbow flag
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England's flag
        "Zoë, naïve, ñ, ﬁ",
        "日本語の物語 한국어 中文",
        "שלום עולם \u200f مرحبا",
        "नमस्ते ক্ষ",
        "می\u200cخواهم",  # Persian: the zero-width non-joiner belongs to the spelling
    ],
)
def test_keeps_what_people_really_write(text: str) -> None:
    assert clean_text(text, field="x", max_length=200) == unicodedata.normalize("NFC", text)


def test_combining_marks_are_kept_and_composed() -> None:
    assert clean_text("e\u0301te\u0301", field="x", max_length=10) == "été"
    assert clean_text("z\u0336\u0337", field="x", max_length=10) == "z\u0336\u0337"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Moon\uffffLight", "MoonLight"),
        ("a\ufffeb\ufdd0c\ufdefd", "abcd"),
        ("a\U0001fffeb\U0010ffffc", "abc"),
        ("a\x00b\x1bc\x7fd\x85e\x9ff", "abcdef"),
        ("lone \ud800 surrogate \udfff", "lone surrogate"),
        ("\u202eevil.txt\u202c ok", "evil.txt ok"),
        ("\u2067isolated\u2069 \u202aembedded\u202c \u202dover\u202c", "isolated embedded over"),
        ("zero\u200bwidth\u2060joined\ufeff", "zerowidthjoined"),
        ("hidden\U000e0041\U000e0042 tags", "hidden tags"),
        ("private\ue000use", "privateuse"),
    ],
)
def test_removes_what_no_format_accepts(raw: str, clean: str) -> None:
    assert clean_text(raw, field="x", max_length=100) == clean


def test_stray_joiners_go_but_joined_ones_stay() -> None:
    assert clean_text("\u200dhi\u200d there\u200d", field="x", max_length=20) == "hi there"
    assert clean_text("👩\u200d\u200d\u200d👧", field="x", max_length=20) == "👩\u200d👧"
    with pytest.raises(UserInputError, match="can't be empty"):
        clean_text("\u200d\u200c\u202e", field="x", max_length=20)


def test_multiline_keeps_newlines_only() -> None:
    assert clean_text("a\r\nb\x0bc\x0cd", field="x", max_length=20, multiline=True) == "a\nbcd"
    assert clean_text("a\u2028b", field="x", max_length=20) == "a\u2028b"


def test_noncharacters_are_exactly_the_66() -> None:
    found = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and is_noncharacter(chr(c))]
    assert len(found) == 66
    assert all(not is_noncharacter(c) for c in "a\ufffd\U0010fffd")


def test_display_names_are_cleaned_cut_and_never_refused() -> None:
    assert clean_display_name("\u202eAl\x00ice\uffff") == "Alice"
    assert clean_display_name("\u200b\x01") == "a writer"
    assert clean_display_name(None, fallback="someone") == "someone"
    long = clean_display_name("👩\u200d👧" * 60)
    assert len(long) <= NAME_LIMIT and not long.endswith("\u200d")


@given(st.text(st.characters(exclude_categories=()), max_size=300))  # surrogates too
def test_anything_cleaned_is_valid_xml_and_has_nothing_forbidden(raw: str) -> None:
    for cleaned in (
        clean_text(raw, field="x", max_length=10_000, required=False, multiline=True),
        clean_display_name(raw),
        printable(raw),
    ):
        assert _XML_CHAR.fullmatch(cleaned), ascii(cleaned)
        assert not any(is_noncharacter(c) for c in cleaned)
        assert not _BIDI & set(cleaned)
        assert not any(unicodedata.category(c) in ("Cc", "Cs", "Co") and c != "\n" for c in cleaned)
    once = clean_text(raw, field="x", max_length=10_000, required=False, multiline=True)
    assert clean_text(once, field="x", max_length=10_000, required=False, multiline=True) == once


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=100))
def test_cleaning_never_raises_on_odd_input_when_optional(raw: str) -> None:
    assert isinstance(clean_text(raw, field="x", max_length=10_000, required=False), str)
