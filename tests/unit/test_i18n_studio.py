"""The lyric studio, melodies, chords, poetry checks and their services speak through the catalog.

Two checks. Statically: in these modules no prose literal reaches a member-facing sink (an
error's message, a label, a title, a reply) without a gettext call. At run time, under a pseudo
catalog that brackets every translated message, the replies carry no English outside a bracket
except member text and data (numbers, notes, rhyme letters), so nothing is glued or missed.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import bot.i18n.api as i18n_api
import bot.services.chords.names as chord_names
from bot.errors import UserInputError
from bot.i18n import use_locale
from bot.services.chords import PROGRESSIONS, ChordInputError, normalize_mood, parse_key
from bot.services.chords.names import PROGRESSION_NAMES
from bot.services.lyrics import DraftSummary, song_spec
from bot.services.lyrics.tools import analyze_lyrics, chord_sheet, rhymes_for
from bot.services.lyrics.types import Draft, LineReport
from bot.services.melody import melody_params, parse_lyric
from bot.services.poetry import check_text
from bot.services.prosody import analyze_stanza, parse_scheme, parse_syllable_target
from bot.services.prosody.form_texts import FORM_TEXTS
from cogs.lyrics.render import (
    analysis_pages,
    chords_embed,
    draft_embeds,
    drafts_list_embed,
    rhymes_embed,
    syllables_pages,
)
from cogs.lyrics.views import AnalyzeModal, DeleteButton, SaveButton, ShareButton, draft_view
from cogs.poetry.render import check_pages
from tests.unit.i18n_scan import call_name
from tests.unit.pseudo_catalog import Brackets, embed_texts, loose_words

ROOT = Path(__file__).resolve().parents[2]

#: The modules wrapped for the studio: every member-facing string in them goes through _().
WRAPPED = (
    "cogs/lyrics",
    "cogs/poetry",
    "bot/services/lyrics",
    "bot/services/melody",
    "bot/services/chords",
    "bot/services/prosody",
    "bot/services/poetry",
)

_GETTEXT = {"_", "ngettext", "pgettext", "N_", "gettext_noop", "translate", "translate_plural"}
_UI_KEYWORDS = {"label", "placeholder", "title", "description", "text", "content"}
_REPLY_CALLS = {"send_message", "send", "edit_message", "progress"}
#: Slash command texts: the command translator localises them at sync (docs/I18N.md).
_COMMAND_TEXTS = {"Group", "command", "describe"}
#: Errors no member sees (bugs in shipped data, unreachable branches): logged, not translated.
# Bugs and a broken install (e.g. a 绝句 pattern asked for 6 characters, jieba missing): these
# never reach a member as a reply; the error handler logs them and answers in the catalog's words.
_INTERNAL_ERRORS = {"FormSpecError", "AssertionError", "RuntimeError", "ValueError"}
_PROSE = re.compile(r"[A-Za-z]{2,}")


def _raw_prose(node: ast.expr | None) -> Iterator[ast.expr]:
    """Literal prose in an expression that no gettext call wraps."""
    if node is None:
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _PROSE.search(node.value):
            yield node
    elif isinstance(node, ast.JoinedStr):
        if any(isinstance(v, ast.Constant) and _PROSE.search(str(v.value)) for v in node.values):
            yield node
    elif isinstance(node, ast.BinOp):
        yield from _raw_prose(node.left)
        yield from _raw_prose(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _raw_prose(node.body)
        yield from _raw_prose(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _raw_prose(value)
    elif isinstance(node, ast.Subscript):
        yield from _raw_prose(node.value)


def _sinks(tree: ast.AST) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and call_name(node.exc.func) not in _GETTEXT | _INTERNAL_ERRORS
        ):
            for arg in node.exc.args:
                yield from _raw_prose(arg)
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Attribute) and t.attr in _UI_KEYWORDS for t in targets):
                yield from _raw_prose(node.value)
        if not isinstance(node, ast.Call) or call_name(node.func) in _GETTEXT | _COMMAND_TEXTS:
            continue
        for keyword in node.keywords:
            if keyword.arg in _UI_KEYWORDS:
                yield from _raw_prose(keyword.value)
        if call_name(node.func) in _REPLY_CALLS and node.args:
            yield from _raw_prose(node.args[0])
        if call_name(node.func) == "add_field":
            for keyword in node.keywords:
                if keyword.arg in ("name", "value"):
                    yield from _raw_prose(keyword.value)


def _modules() -> list[Path]:
    return sorted(p for folder in WRAPPED for p in (ROOT / folder).rglob("*.py"))


def test_no_unwrapped_prose_reaches_a_member() -> None:
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _sinks(tree):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:70]}")
    assert not found, "unwrapped member-facing strings:\n" + "\n".join(found)


def test_the_static_check_finds_an_unwrapped_string() -> None:
    sample = ast.parse(
        'raise UserInputError(f"No {x} here")\n'
        'discord.ui.Button(label="Save")\n'
        'embed.add_field(name="Status", value=_("ok"))\n'
        'await interaction.response.send_message("Done " + name)\n'
        'raise UserInputError(_("Fine {x}", x=x))\n'
        'embed.description = "Best first"\n'
    )
    assert len(list(_sinks(sample))) == 5


def test_every_form_label_and_summary_is_marked() -> None:
    data = tomllib.loads((ROOT / "bot/services/prosody/forms.toml").read_text(encoding="utf-8"))
    marked = {text.message for text in FORM_TEXTS}
    for key, table in data.items():
        assert table["label"] in marked, key
        assert table["summary"] in marked, key


def test_every_progression_name_is_marked() -> None:
    marked = {text.message for text in PROGRESSION_NAMES}
    for templates in PROGRESSIONS.values():
        for template in templates:
            assert template.label in marked


# -- a pseudo catalog (tests/unit/pseudo_catalog.py): messages come back in brackets --


@pytest.fixture
def bracketed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    catalog = Brackets()
    monkeypatch.setattr(i18n_api, "translations", lambda locale: catalog)
    monkeypatch.setattr(chord_names, "translations", lambda locale: catalog)
    with use_locale("zh_CN"):
        yield


def _draft() -> Draft:
    song = song_spec(
        topic="Harbour lights", genre="folk", mood="wistful", structure="verse, chorus"
    )
    lines: dict[str, tuple[str, ...]] = {}
    analysis = {}
    for part in song.parts:
        text = ("The harbour sleeps beneath the rain", "I call your name again and again") * (
            part.lines // 2
        )
        lines[part.key] = text
        analysis[part.key] = tuple(analyze_stanza(text, part.scheme, part.syllables))
    now = datetime(2026, 1, 2, tzinfo=UTC)
    return Draft(1, 10, 20, 30, song, lines, analysis, False, False, now, now)


MEMBER = {"harbour", "lights", "folk", "wistful", "the", "sleeps", "beneath", "rain", "call"}
MEMBER |= {"your", "name", "again", "and", "i"}


def test_a_draft_shows_no_english_outside_the_catalog(bracketed: None) -> None:
    draft = _draft()
    texts = list(embed_texts(draft_embeds(draft)))
    assert any("⟦" in t for t in texts)
    for text in texts:
        assert not loose_words(text, allowed=MEMBER | {"abab", "aabb"}), text


def test_the_draft_controls_are_labelled_through_the_catalog(bracketed: None) -> None:
    view = draft_view(_draft(), manage=True)
    for item in view.children:
        shown = getattr(item, "label", None) or getattr(item, "placeholder", None) or ""
        assert not loose_words(str(shown)), shown
    for button in (SaveButton(1, saved=True), ShareButton(1, public=True), DeleteButton(1)):
        assert str(button.item.label).startswith("⟦")
    assert AnalyzeModal(share=False).title.startswith("⟦")


async def test_the_tools_replies_come_from_the_catalog(bracketed: None) -> None:
    for kind in ("perfect", "slant", "multisyllabic"):
        rhymes = await rhymes_for("light", kind)
        for text in embed_texts([rhymes_embed("light", kind, rhymes)]):
            assert not loose_words(text, allowed={"light"} | {r.word for r in rhymes}), text
        for text in embed_texts([rhymes_embed("qzxv", kind, [])]):
            assert not loose_words(text, allowed={"qzxv"}), text
    pages = syllables_pages([LineReport("hello world", 3, "010")])
    for text in embed_texts([e for page in pages for e in page]):
        assert not loose_words(text, allowed={"hello", "world"}), text
    analysis = await analyze_lyrics("my heart is torn apart\nlove you baby\nheart apart")
    for text in embed_texts([e for page in analysis_pages(analysis) for e in page]):
        words = {"my", "heart", "is", "torn", "apart", "love", "you", "baby"}
        assert not loose_words(text, allowed=words), text
    for summaries in ([], [DraftSummary(4, "Sea song", True, datetime.now(UTC), 8)]):
        for text in embed_texts([drafts_list_embed(summaries, {4})]):
            assert not loose_words(text, allowed={"sea", "song"}), text


async def test_a_chord_sheet_comes_from_the_catalog(bracketed: None) -> None:
    sheet = await chord_sheet(key="Eb", mode="major", mood="romantic", sections="verse, chorus")
    embed = chords_embed(sheet)
    assert "⟦major⟧" in (embed.title or "")
    for text in embed_texts([embed]):
        # Chord names and the member's section names are data.
        left = loose_words(re.sub(r"`[^`]*`", " ", text), allowed={"verse", "chorus", "mid"})
        assert not left, text


async def test_a_poem_check_comes_from_the_catalog(bracketed: None) -> None:
    result = await check_text("haiku", "an old silent pond\na frog jumps into the pond\nsplash")
    pages = check_pages("title", result)
    words = {"an", "old", "silent", "pond", "frog", "jumps", "into", "the", "splash"}
    for text in embed_texts([e for page in pages for e in page]):
        assert not loose_words(text, allowed=words | {"title"}), text


BAD_INPUT: list[tuple[Callable[[], Any], type[Exception]]] = [
    (lambda: parse_scheme("AB1"), UserInputError),
    (lambda: parse_syllable_target("9-3"), UserInputError),
    (lambda: song_spec(topic="x", structure="verse, solo"), UserInputError),
    (lambda: song_spec(topic="x", rhyme_scheme="verse:ABAB hook:AABB"), UserInputError),
    (lambda: song_spec(topic="x", rhyme_scheme="ABC", lines=4), UserInputError),
    (lambda: parse_key("H"), ChordInputError),
    (lambda: normalize_mood("grumpy"), ChordInputError),
    (lambda: melody_params(key="C", mode="major", tempo=90, voice="alto", low=50), UserInputError),
    (lambda: parse_lyric("/ /"), UserInputError),
]


@pytest.mark.parametrize(("call", "error"), BAD_INPUT)
def test_bad_input_is_refused_in_the_members_language(
    bracketed: None, call: Callable[[], Any], error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    assert message.startswith("⟦") and message.endswith("⟧"), message
