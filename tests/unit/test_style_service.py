"""Style memory's profile, briefs, data rights and bad input, on a real database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotFound, UserInputError
from bot.services.container import build_services
from bot.services.style import StyleConfig, StyleService
from bot.services.style.brief import build_brief
from bot.settings import Settings
from models import ChatMessage, FakeEngine, GenerationOptions

G, ALICE, BOB = 10, 1001, 1002


def responder(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
    title = (options.json_schema or {}).get("title")
    if title == "TraitReport":
        return json.dumps(
            {
                "traits": [
                    {"kind": "theme", "value": "lighthouses", "confidence": 0.5, "evidence": "x"}
                ]
            }
        )
    if title == "InspireReport":
        return json.dumps(
            {
                "prompts": [
                    {"title": "Keeper", "prompt": "Paint the last lighthouse keeper at dawn."},
                    {"title": "Keeper", "prompt": "Paint the last lighthouse keeper at dawn."},
                    {"title": "", "prompt": "sample"},
                ],
                "colours": ["#123456", "#123457", "zzz", "#FFAA00"],
            }
        )
    if title == "AnalysisReport":
        return json.dumps(
            {
                "themes": ["sea"],
                "motifs": [],
                "imagery": [],
                "tone": "calm",
                "form": "prose",
                "strengths": [],
                "remixes": ["a1", "b2", "c3"],
            }
        )
    return "A short reply."


async def make_service(repos: Repositories, clock: FakeClock | None = None) -> StyleService:
    engine = FakeEngine(responder=responder)
    await engine.start()
    return StyleService(
        repos.style,
        repos.members,
        repos.guilds,
        engine,
        clock or FakeClock(),
        config=StyleConfig(learn_delay=0.0, idle_poll=0.01, brief_chars=200),
    )


async def rows_mentioning(repos: Repositories, user_id: int) -> dict[str, int]:
    """How many rows of each table hold ``user_id`` in any column."""
    found: dict[str, int] = {}
    for table in await repos.db.tables():
        columns = [r[1] for r in await repos.db.fetchall(f"PRAGMA table_info('{table}')")]
        where = " OR ".join(f'"{c}" = ?' for c in columns)
        row = await repos.db.fetchone(
            f'SELECT COUNT(*) FROM "{table}" WHERE {where}', [user_id] * len(columns)
        )
        if row and row[0]:
            found[table] = int(row[0])
    return found


async def test_nothing_is_stored_before_optin(repos: Repositories) -> None:
    service = await make_service(repos)
    with pytest.raises(UserInputError, match="optin"):
        await service.set_preferences(G, ALICE, {"tone": "wry"})
    with pytest.raises(UserInputError, match="optin"):
        await service.add_sample(G, ALICE, None, "A sample long enough to keep, surely it is.")
    with pytest.raises(UserInputError, match="optin"):
        await service.set_personalise(G, ALICE, False)
    with pytest.raises(UserInputError, match="haven't opted in"):
        await service.optout(G, ALICE)
    with pytest.raises(UserInputError, match="optin"):
        await service.editable_profile(G, ALICE)
    await service.record(G, ALICE, "write_topic", "a lighthouse")
    assert await service.brief_for(G, ALICE) is None
    await service.inspire(G, ALICE)
    await service.analyze(ALICE, text="Three small words and more.")
    await service.drain()
    assert await rows_mentioning(repos, ALICE) == {}


async def test_profile_brief_and_personalisation(repos: Repositories) -> None:
    service = await make_service(repos)
    await service.optin(G, ALICE)
    profile = await service.set_preferences(
        G,
        ALICE,
        {"media": "poetry", "tone": "wistful", "themes": "the sea, memory", "avoid": "gore"},
    )
    assert [p.field for p in profile.preferences.values()] == ["media", "tone", "themes", "avoid"]
    await service.record(G, ALICE, "write_topic", "lighthouses at the end of the world")
    await service.drain()
    brief = await service.brief_for(G, ALICE)
    assert brief is not None and len(brief) <= 200
    assert "wistful" in brief and "the sea, memory" in brief and "avoid: gore" in brief
    assert "lighthouses" in brief  # a learned trait
    assert await service.brief_for(G, BOB) is None
    assert await service.brief_for(None, ALICE) is None
    await service.set_personalise(G, ALICE, False)
    assert await service.brief_for(G, ALICE) is None
    await service.set_personalise(G, ALICE, True)
    # Longer profiles are cut to the limit at a part boundary.
    long = await service.set_preferences(G, ALICE, {"genres": "x" * 150})
    assert len(build_brief(long, 120) or "") <= 120


async def test_remove_any_single_item(repos: Repositories) -> None:
    service = await make_service(repos)
    await service.optin(G, ALICE)
    await service.set_preferences(G, ALICE, {"tone": "wry", "media": "ink"})
    await service.add_sample(G, ALICE, "Gulls", "The gulls argue over the harbour all morning.")
    await service.drain()
    keys = [key for key, _ in await service.items(G, ALICE)]
    assert {k.split(":")[0] for k in keys} == {"pref", "trait", "sample"}
    for key in keys:
        await service.remove_item(G, ALICE, key)
    assert (await service.profile(G, ALICE)).is_empty
    with pytest.raises(NotFound):
        await service.remove_item(G, ALICE, keys[0])
    # Someone else's item can't be removed.
    await service.optin(G, BOB)
    sample_id = await service.add_sample(G, BOB, None, "Bob writes about trains and steam.")
    with pytest.raises(NotFound):
        await service.remove_item(G, ALICE, f"sample:{sample_id}")
    with pytest.raises(NotFound):
        await service.remove_item(G, ALICE, "pref:nonsense")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "can't be empty"), ("   \u200b  ", "can't be empty"), ("too short", "too short")],
)
async def test_bad_samples_are_refused_and_store_nothing(
    repos: Repositories, text: str, message: str
) -> None:
    service = await make_service(repos)
    await service.optin(G, ALICE)
    with pytest.raises(UserInputError, match=message):
        await service.add_sample(G, ALICE, None, text)
    assert await repos.style.samples(G, ALICE) == []
    assert await repos.style.pending_count() == 0


async def test_sample_limit(repos: Repositories) -> None:
    service = await make_service(repos)
    await service.optin(G, ALICE)
    for index in range(service.config.max_samples):
        await service.add_sample(G, ALICE, None, f"Sample number {index} about the long road.")
    with pytest.raises(UserInputError, match="already have"):
        await service.add_sample(G, ALICE, None, "One sample too many about the long road.")
    assert len(await repos.style.samples(G, ALICE)) == service.config.max_samples


async def test_inspire_always_gives_three_prompts_and_a_palette_for_visual_artists(
    repos: Repositories,
) -> None:
    service = await make_service(repos)
    await service.optin(G, ALICE)
    await service.set_preferences(G, ALICE, {"media": "watercolour", "themes": "the sea at dusk"})
    result = await service.inspire(G, ALICE)
    assert result.personalised and result.medium == "mixed"
    assert len(result.prompts) == 3
    assert len({p.text for p in result.prompts}) == 3
    assert result.palette is not None and len(result.palette) == 5
    assert result.palette[0] == "#123456" and "#123457" not in result.palette  # too close
    assert result.palette_png is not None and result.palette_png.startswith(b"\x89PNG")
    # A writer on a writing server gets no palette.
    await repos.guilds.set_medium(G, "writing", FakeClock().now())
    await service.optin(G, BOB)
    await service.set_preferences(G, BOB, {"media": "short stories"})
    plain = await service.inspire(G, BOB)
    assert plain.palette is None and plain.palette_png is None
    # Everyone on a visual server does.
    await repos.guilds.set_medium(G, "visual", FakeClock().now())
    assert (await service.inspire(G, 5555)).palette is not None


async def test_export_holds_every_stored_item(repos: Repositories) -> None:
    clock = FakeClock()
    settings = Settings(style_min_confidence=0.1)
    engine = FakeEngine(responder=responder)
    await engine.start()
    services = build_services(settings, repos, engine, clock)
    style = services.style
    await style.optin(G, ALICE)
    await style.set_preferences(G, ALICE, {"tone": "wry", "themes": "harbours"})
    await style.add_sample(G, ALICE, "Gulls", "The gulls argue over the harbour all morning.")
    await style.drain()
    stream = await services.writing.write(
        guild_id=G, channel_id=5, user_id=ALICE, form="poem", topic="a harbour at night"
    )
    async for _ in stream.events():
        pass
    await style.index_work(
        guild_id=G, kind="lyrics", ref="l1", title="Harbour song", text="gulls", author_id=ALICE
    )
    export = await style.export(G, ALICE)
    document = json.loads(export.data)
    data = document["data"]
    assert document["user_id"] == ALICE
    assert {p["field"] for p in data["style"]["preferences"]} == {"tone", "themes"}
    assert [s["title"] for s in data["style"]["samples"]] == ["Gulls"]
    assert [t["value"] for t in data["style"]["traits"]] == ["lighthouses"]
    assert [w["ref"] for w in data["style"]["indexed_works"]] == ["l1"]
    assert data["membership"]["member"]["consent"] == 1
    assert [g["topic"] for g in data["writing"]["generations"]] == ["a harbour at night"]
    assert export.counts["style"] >= 4
    # Every repository that holds member data is in the export.
    assert {s.data_name for s in services.member_data} <= set(data)
    # Nothing about another member leaks in.
    assert str(BOB) not in export.data.decode()


async def test_forget_erases_everything_and_learning_in_flight_loses(
    repos: Repositories,
) -> None:
    clock = FakeClock()
    engine = FakeEngine(responder=responder)
    await engine.start()
    services = build_services(Settings(), repos, engine, clock)
    style = services.style
    for user in (ALICE, BOB):
        await style.optin(G, user)
        await style.set_preferences(G, user, {"tone": "wry"})
        await style.add_sample(G, user, None, "The gulls argue over the harbour all morning.")
        await style.index_work(
            guild_id=G,
            kind="potd_submission",
            ref=f"p{user}",
            title="Gulls",
            text="harbour gulls",
            author_id=user,
        )
    await style.index_work(
        guild_id=G, kind="story", ref="s1", title="Shared", text="harbour", author_id=ALICE
    )
    await style.drain()
    await style.record(G, ALICE, "write_topic", "one more harbour")  # waiting to be learned
    assert await rows_mentioning(repos, ALICE)
    changed = await style.forget(G, ALICE)
    assert changed > 5
    await style.drain()
    assert await rows_mentioning(repos, ALICE) == {}
    # The story stays (without an author); Bob's data is untouched.
    assert (await repos.style.work(G, "story", "s1")) is not None
    assert (await repos.style.work(G, "potd_submission", f"p{ALICE}")) is None
    bob = await style.profile(G, BOB)
    assert bob.consent and bob.samples and bob.preferences
    # The FTS index keeps no trace of the erased work's words.
    results, _ = await style.discover(G, BOB, about="harbour gulls")
    assert [r.work.ref for r in results] == ["s1"]
    clock.advance(timedelta(days=1))
    assert await style.brief_for(G, ALICE) is None
