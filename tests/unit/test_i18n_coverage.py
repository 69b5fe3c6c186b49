"""Catalog coverage: every command string and every user-facing string of every cog and service
is in the catalog and translated into zh_CN, and the catalog's coverage is reported.

``WRAPPED`` lists what this module scans for bare strings; the studio's modules (lyrics, melody,
chords, prosody, poetry) are scanned by ``test_i18n_studio.py``. Every cog is in one of the two.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.discord_io.translator import command_texts
from bot.i18n.catalog import DOMAIN, po_path
from bot.i18n.commands import all_commands
from bot.i18n.coverage import catalog_coverage, is_translated
from bot.i18n.extract import build_template
from bot.services.story.typesetting import BASE_CSS, CJK_CSS
from bot.services.style.profile import _STOPWORDS_TEXT as STOPWORDS_TEXT
from tests.unit.i18n_scan import sentence_literals, unwrapped_strings
from tests.unit.test_i18n_studio import WRAPPED as STUDIO

ROOT = Path(__file__).resolve().parents[2]

WRAPPED = (
    "cogs/status.py",
    "cogs/gallery",
    "cogs/lyrics",
    "cogs/poetry",
    # The studio's services (lyrics, melody, chords, prosody, poetry) are checked by
    # test_i18n_studio.py, which knows their data tables.
    "bot/services/gallery",
    "cogs/lifecycle.py",
    "cogs/potd",
    "cogs/story",
    "cogs/sprint",
    "cogs/style",
    "cogs/write",
    "bot/discord_io",
    "bot/ops/cog.py",
    "bot/services/bounds.py",
    "bot/services/potd",
    "bot/services/sprint",
    "bot/services/story",
    "bot/services/style",
    "bot/services/text.py",
    "bot/services/writing.py",
)
# Prose-like literals of wrapped modules that are deliberately not translated, and why.
NOT_PROSE = {
    # The gallery's web pages are English (the Discord side is localised): its credit for a
    # member without a page, and the key its chord charts are written in.
    ("bot/services/gallery/consent.py", "a member"),
    ("bot/services/gallery/pages.py", "C major"),
    # Style sheets of a book, not prose.
    ("bot/services/story/typesetting.py", BASE_CSS),
    ("bot/services/story/typesetting.py", CJK_CSS),
    # A marker the outbox finds a crashed post by: the same in every language.
    ("cogs/potd/render.py", "Prompt of the day · "),
    # The failure note is stored with the post (the database keeps no translations).
    ("cogs/potd/publisher.py", "I couldn't post in <#"),
    (
        "cogs/potd/publisher.py",
        "). Check that the channel exists and that I may send messages and embeds there.",
    ),
    # Choice names and option descriptions: localised at sync by the command translator
    # (a /write form's name is shown through its choice's translation).
    ("cogs/potd/render.py", "Visual art"),
    ("cogs/potd/render.py", "Mixed (all of them)"),
    (
        "cogs/potd/render.py",
        "January February March April May June July August September October November December",
    ),
    ("cogs/status.py", "Automatic (my Discord language)"),
    ("cogs/story/canon.py", "The story (default: the story of this thread)"),
    ("cogs/story/cog.py", "The story (default: the story of this thread)"),
    (
        "cogs/story/canon.py",
        "Words that bring the entry into Muse's prompts besides its name, comma-separated "
        "(up to 8)",
    ),
    # Markup around translated text in the EPUB.
    *(
        ("bot/services/story/book.py", t)
        for t in (
            '<h1 dir="auto">',
            '</h1><p dir="auto">',
            '</p><p dir="auto">',
            '<div class="canon" id="canon-',
            '"><h3 dir="auto">',
            '<p class="credit" dir="auto"><em>— ',
            '<p dir="auto">',
            '<div class="segment" id="segment-',
        )
    ),
    # Names stored in the database in place of an erased or unnamed member.
    ("bot/services/story/types.py", "a former member"),
    ("bot/services/text.py", "a writer"),
    ("bot/services/writing.py", "Short story"),
    ("bot/services/writing.py", "Song lyrics"),
    # The prompt of the day's cog shows its own translated medium names.
    ("bot/services/potd/types.py", "Visual art"),
    ("bot/services/potd/types.py", "Mixed media"),
    # Stored with the post or the story (the database keeps no translations): the last-resort
    # prompt, a post's failure note, how a seat is named in the turn notices.
    ("bot/services/potd/generation.py", "Free Choice"),
    (
        "bot/services/potd/generation.py",
        "Make anything you like today, and tell us one thing that surprised you on the way.",
    ),
    ("bot/services/potd/posting.py", "no prompt could be chosen"),
    ("bot/services/potd/posting.py", "not posted within the grace window"),
    ("bot/services/story/lookup.py", " (AI partner)"),
    ("bot/services/story/types.py", "a former member"),
    # Field names that bot/services/text.py quotes in its length errors.
    ("cogs/style/cog.py", "user ID"),
    ("bot/services/potd/config.py", "word list"),
    ("bot/services/style/memory.py", "writing sample"),
    # Text for the model (prompts, schema descriptions, output grammars) and word lists for
    # matching, not for members.
    ("bot/services/style/brief.py", "tends toward "),
    ("bot/services/style/learning.py", "A short quote from the piece"),
    ("bot/services/style/learning.py", "^[A-Za-z][A-Za-z '-]{1,29}$"),
    ("bot/services/style/analyze.py", "^[A-Za-z][A-Za-z ,'-]{0,29}$"),
    ("bot/services/style/analyze.py", "^[A-Za-z][A-Za-z ,'-]{0,39}$"),
    ("bot/services/potd/types.py", "^[A-Za-z][A-Za-z0-9 ,.:'!?&-]*$"),
    ("bot/services/potd/types.py", "^[A-Za-z][A-Za-z -]*$"),
    ("bot/services/style/profile.py", STOPWORDS_TEXT),
    # Operator diagnostics (logs and exceptions), not member text.
    ("bot/ops/cog.py", "The operations endpoint can't listen on "),
    ("bot/ops/cog.py", "). Change MUSE_OPS_HOST/MUSE_OPS_PORT."),
    ("bot/discord_io/limits.py", "embeds total +"),
    ("bot/discord_io/split.py", "limit too small to split sensibly"),
    # The translator's own message contexts.
    *(
        ("bot/discord_io/translator.py", c)
        for c in ("command name", "command description", "option name", "option description")
    ),
}


def _files(*places: str) -> list[Path]:
    found: list[Path] = []
    for place in places:
        path = ROOT / place
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def _catalog() -> Catalog:
    with po_path("zh_CN").open("rb") as handle:
        return read_po(handle, locale="zh_CN", domain=DOMAIN)


def test_every_cog_is_scanned_for_bare_strings() -> None:
    cogs = {p.name for p in (ROOT / "cogs").iterdir() if not p.name.startswith("_")}
    listed = {Path(place).name for place in WRAPPED + STUDIO if place.startswith("cogs")}
    assert cogs <= listed, f"cogs scanned by neither test: {sorted(cogs - listed)}"


@pytest.mark.parametrize("path", _files(*WRAPPED), ids=lambda p: str(p.relative_to(ROOT)))
def test_wrapped_modules_pass_no_bare_string_to_discord(path: Path) -> None:
    findings = unwrapped_strings(path, ROOT)
    assert not findings, "unwrapped user-facing strings:\n" + "\n".join(map(str, findings))


@pytest.mark.parametrize("path", _files(*WRAPPED), ids=lambda p: str(p.relative_to(ROOT)))
def test_wrapped_modules_hold_no_other_prose(path: Path) -> None:
    findings = [f for f in sentence_literals(path, ROOT) if (f.path, f.text) not in NOT_PROSE]
    assert not findings, "prose outside the catalog:\n" + "\n".join(map(str, findings))


def test_the_catalog_holds_every_string_of_the_code() -> None:
    """Wrapping a string without re-extracting (`python -m bot.i18n.extract`) fails here."""
    template = build_template()
    catalog = _catalog()
    absent = [m for m in template if m.id and catalog.get(m.id, m.context) is None]
    missing = sorted(f"{m.context or ''}|{m.id}" for m in absent)
    assert not missing, "run `python -m bot.i18n.extract`; missing:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("command", all_commands(), ids=lambda c: c.name)
def test_every_command_string_has_a_chinese_translation(command: object) -> None:
    catalog = _catalog()
    texts = command_texts([command])  # type: ignore[list-item]
    missing = [
        t for t in texts if (m := catalog.get(t.message, t.context)) is None or not is_translated(m)
    ]
    assert not missing, "\n".join(f"/{t.command}: {t.context}: {t.message!r}" for t in missing)


def test_every_string_of_the_wrapped_modules_is_translated_and_coverage_is_reported() -> None:
    catalog = _catalog()
    gaps = []
    for message in catalog:
        if not message.id or is_translated(message):
            continue
        places = [f for f, _ in message.locations]
        gaps.append(f"{message.context or ''}|{message.id!r} ({', '.join(places)})")
    coverage = catalog_coverage("zh_CN")
    print(
        f"zh_CN catalog: {coverage.total} strings, {coverage.translated} translated "
        f"({coverage.share:.1%})"
    )
    assert coverage.total > 300
    assert not gaps, "untranslated strings outside the pending modules:\n" + "\n".join(gaps)
