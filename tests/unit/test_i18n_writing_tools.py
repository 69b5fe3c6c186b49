"""Sprints, style memory, /write and the services behind them speak through the catalog.

Under a pseudo catalog that brackets every message it translates, the replies, embeds, posts and
refusals carry no English word outside a bracket: nothing is glued from untranslated pieces and
nothing was missed. Member text in these fixtures is Chinese, so any Latin word left over is
Muse's own. The sprint's posts take the server's language, whatever the current task speaks.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import discord
import pytest

import bot.i18n.api as i18n_api
from bot.db.repositories.style import SampleRecord, TraitRecord, WorkRecord
from bot.errors import MuseError
from bot.i18n import use_locale
from bot.services.bounds import check_length
from bot.services.potd.timing import parse_post_time, resolve_timezone
from bot.services.sprint import (
    Phase,
    SprintParticipant,
    SprintPublication,
    SprintStats,
    SprintStatus,
    WordsMode,
    check_count,
    standings,
    words_written,
)
from bot.services.sprint.service import WordsReport
from bot.services.style import Analysis, Inspiration, Recommendation, StyleProfile
from bot.services.style.analyze import TextStats, check_upload, decode_upload, prepare_text
from bot.services.style.inspire import finish_prompts
from bot.services.writing import WritingService
from cogs.sprint import render as sprint_render
from cogs.sprint.publisher import SprintPublisher
from cogs.style import render as style_render
from cogs.style.views import CancelEraseButton, EraseButton, ProfileModal, SampleModal
from cogs.write.views import ContinueButton, RegenerateButton
from tests.unit.pseudo_catalog import Brackets, embed_texts, loose_words
from tests.unit.test_sprint_render import START, sprint

NAMES = ("林夕", "阿青", "墨")


@pytest.fixture
def bracketed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """zh_CN is the bracketing catalog; English stays English."""
    pseudo, english = Brackets(), gettext.NullTranslations()
    monkeypatch.setattr(
        i18n_api, "translations", lambda locale: pseudo if locale == "zh_CN" else english
    )
    with use_locale("zh_CN"):
        yield


def _people() -> list[SprintParticipant]:
    return [
        SprintParticipant(1, 100 + n, name, 0, words, 2.5, START, None)
        for n, (name, words) in enumerate(zip(NAMES, (1, 250, None), strict=True))
    ]


def _sprint(**changes: object) -> Any:
    return sprint(starter_id=100, prompt_title="灯塔", prompt_text="守灯人的最后一夜。", **changes)


def test_every_sprint_text_comes_whole_from_the_catalog(bracketed: None) -> None:
    people, now = _people(), START + timedelta(minutes=5)
    texts = [
        sprint_render.announcement(
            SprintPublication(kind, _sprint(ended_early=early), people, (), grace, [100])
        )
        for kind in ("start", "end", "cancelled")
        for early in (False, True)
        for grace in (0.0, 1.5)
    ]
    for early in (False, True):
        found = SprintPublication(
            "results", _sprint(ended_early=early), people, standings(_sprint(), people)
        )
        texts += sprint_render.leaderboard_chunks(found)
    texts += sprint_render.leaderboard_chunks(SprintPublication("results", _sprint(), []))
    for phase in Phase:
        status = SprintStatus(_sprint(), phase, now, people)
        texts += [sprint_render.start_reply(status)]
        texts += embed_texts([sprint_render.status_embed(status)])
        for reached in (False, True):
            texts.append(sprint_render.words_reply(WordsReport(_sprint(), phase, 1, reached)))
    texts += embed_texts(
        [sprint_render.status_embed(SprintStatus(_sprint(), Phase.RUNNING, now, []))]
    )
    for stats in (SprintStats(7, 0, 0, None), SprintStats(7, 1, 1_234, 31.5, 3, 9)):
        texts.append(sprint_render.stats_text(stats, NAMES[0]))
    leftovers = {text: words for text in texts if (words := loose_words(text))}
    assert not leftovers
    # Each count and name still reaches the member, inside the translated sentence.
    assert any("1,234" in t and NAMES[0] in t for t in texts)


async def test_sprint_posts_speak_the_servers_language(bracketed: None) -> None:
    people = _people()
    found = SprintPublication("start", _sprint(), people, (), 0.0, [101])
    servers = {42: "zh_CN"}

    async def server_locale(guild_id: int | None) -> str:
        return servers.get(guild_id or 0, "en")

    async def publication(kind: str, payload: dict[str, object]) -> SprintPublication:
        return found

    services = SimpleNamespace(
        sprint=SimpleNamespace(publication=publication),
        language=SimpleNamespace(server_locale=server_locale),
    )
    publisher = SprintPublisher(SimpleNamespace(services=services))  # type: ignore[arg-type]
    item: Any = SimpleNamespace(kind="sprint.start", payload={})
    with use_locale("en"):  # whoever's task delivers it: the server's language decides
        posted = await publisher.render(item)
    assert posted is not None and posted[0].content.startswith("⟦")
    assert "<@101>" in posted[0].content
    servers[42] = "en"
    with use_locale("zh_CN"):
        posted = await publisher.render(item)
    assert posted is not None and "⟦" not in posted[0].content
    assert posted[0].content.startswith("🏃 **Sprint!** 120 minutes of writing started by")


def _profile(
    *, consent: bool = True, personalise: bool = True, empty: bool = False
) -> StyleProfile:
    when = datetime(2031, 1, 6, tzinfo=UTC)
    traits = [
        TraitRecord(n, kind, "灯火", 0.6, 3, "灯火在雨里", source, "2031-01-01", "2031-01-05")
        for n, (kind, source) in enumerate(
            [
                ("imagery", "story_segment"),
                ("tone", "write_topic"),
                ("vocabulary", "writing_sample"),
            ]
        )
    ]
    return StyleProfile.build(
        guild_id=1,
        user_id=2,
        consent=consent,
        consent_at=when if consent else None,
        personalise=personalise,
        preferences={} if empty else {"media": ("诗", when), "avoid": ("血腥", when)},
        traits=[] if empty else traits,
        samples=[] if empty else [SampleRecord(1, "雨夜", "雨落在屋檐上。" * 30, when)],
        now=when,
        half_life_days=30.0,
    )


def test_every_style_embed_comes_whole_from_the_catalog(bracketed: None) -> None:
    embeds: list[discord.Embed] = []
    for consent in (False, True):
        for personalise in (False, True):
            for empty in (False, True):
                embeds += style_render.profile_embeds(
                    _profile(consent=consent, personalise=personalise, empty=empty)
                )
    for medium in ("visual", "writing", "music", "mixed"):
        for personal in (False, True):
            prompts = finish_prompts([], ["灯塔"], medium)
            embeds.append(
                style_render.inspiration_embed(
                    Inspiration(prompts, medium, personal, ["#112233"], None)
                )
            )
    for failed in (False, True):
        for truncated in (False, True):
            analysis = Analysis(
                ["记忆"],
                ["灯"],
                ["盐"],
                "安静",
                "",
                ["准确"],
                ["重写"],
                TextStats(1, 3, 1),
                truncated,
                "text",
                failed,
            )
            embeds.append(style_render.analysis_embed(analysis))
    work = WorkRecord(1, 1, "story", "s1", 3, "灯塔", "守灯人" * 80, None, START, True)
    embeds.append(style_render.discover_embed([Recommendation(work, 1.0, 1.0, ["灯塔"])], ["灯塔"]))
    embeds.append(style_render.discover_embed([], []))
    leftovers = {text: words for text in embed_texts(embeds) if (words := loose_words(text))}
    assert not leftovers


def test_the_style_forms_and_buttons_are_labelled_in_the_members_language(bracketed: None) -> None:
    profile, sample = ProfileModal(_profile()), SampleModal()
    shown = [item.to_component_dict() for item in [*profile.children, *sample.children]]
    assert profile.title.startswith("⟦") and sample.title.startswith("⟦")
    assert len(shown) == 7 and all(i["label"].startswith("⟦") for i in shown)
    assert all(i.get("placeholder", "⟦").startswith("⟦") for i in shown)
    buttons = [EraseButton(1, 1), CancelEraseButton(1), RegenerateButton(1), ContinueButton(1)]
    assert all((b.item.label or "").startswith("⟦") for b in buttons)
    with use_locale("en"):  # built per member: an English reader gets English
        assert SampleModal().title == "Add a writing sample"


REFUSALS: list[Callable[[], object]] = [
    lambda: check_length("x" * 50, field="topic", max_length=10),
    lambda: check_count(-1),
    lambda: check_count(-1, starting=True),
    lambda: check_count(10**9),
    lambda: words_written(WordsMode.TOTAL, 5, 500),
    lambda: WritingService.validate("limerick-ish", "海", None, "medium"),
    lambda: WritingService.validate("poem", "海", None, "epic"),
    lambda: check_upload("notes.pdf", 10, max_bytes=100),
    lambda: check_upload("notes.txt", 10**7, max_bytes=100),
    lambda: decode_upload("a.txt", b"\x00\x01", max_bytes=100),
    lambda: decode_upload("a.txt", b"\xff\xfe\xfa", max_bytes=100),
    lambda: prepare_text("海", limit=100),
    lambda: parse_post_time("banana"),
    lambda: parse_post_time("13pm"),
    lambda: resolve_timezone("Mars/Olympus"),
]


@pytest.mark.parametrize("refuse", REFUSALS)
def test_bad_input_is_refused_in_the_members_language(
    bracketed: None, refuse: Callable[[], object]
) -> None:
    with pytest.raises(MuseError) as refused:
        refuse()
    message = refused.value.user_message
    assert message.startswith("⟦") and not loose_words(message), message
