"""/discover ranks a seeded corpus sensibly; /analyze refuses bad files; palettes are valid."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import UserInputError
from bot.services.style import StyleConfig, StyleService
from bot.services.style.analyze import AnalysisReport, decode_upload, finish_analysis, is_words
from bot.services.style.discover import fts_query
from bot.services.style.inspire import choose_palette
from bot.services.style.palette import render_palette
from cogs.style.render import analysis_embed
from models import FakeEngine

G, ALICE, BOB, CAROL = 10, 1001, 1002, 1003
MAX = 200_000

CORPUS = [
    # (ref, title, body, author, age in days)
    ("sea-old", "The drowned bell", "A lighthouse keeper hears the sea ring a bell.", BOB, 200),
    (
        "sea-new",
        "Salt letters",
        "The sea writes letters in salt; the lighthouse reads them.",
        BOB,
        1,
    ),
    ("sea-weak", "Market day", "Apples, bread, a glimpse of the sea between stalls.", CAROL, 0),
    ("desert", "Dune song", "Camels, heat, and a silence the wind keeps.", CAROL, 0),
    ("mine", "My own sea", "Alice's sea, lighthouse and salt poem.", ALICE, 0),
]


async def seeded(repos: Repositories, clock: FakeClock) -> StyleService:
    engine = FakeEngine()
    await engine.start()
    service = StyleService(
        repos.style, repos.members, repos.guilds, engine, clock, config=StyleConfig()
    )
    now = clock.now()
    for ref, title, body, author, age in CORPUS:
        await service.index_work(
            guild_id=G,
            kind="potd_submission",
            ref=ref,
            title=title,
            text=body,
            author_id=author,
            url=f"https://discord.com/channels/{G}/1/{len(ref)}",
            created_at=now - timedelta(days=age),
        )
    await service.index_work(
        guild_id=G + 1, kind="story", ref="elsewhere", title="Sea", text="sea lighthouse salt"
    )
    return service


async def test_discover_ranks_relevance_then_recency(repos: Repositories) -> None:
    clock = FakeClock()
    service = await seeded(repos, clock)
    await service.optin(G, ALICE)
    await service.set_preferences(G, ALICE, {"themes": "the sea, lighthouses", "tone": "salt"})
    results, keywords = await service.discover(G, ALICE)
    assert {"sea", "lighthouses", "salt"} <= set(keywords)
    refs = [r.work.ref for r in results]
    # Strong matches first, the newer one ahead; a passing mention after; nothing unrelated,
    # nothing of the member's own, nothing from another server.
    assert refs == ["sea-new", "sea-old", "sea-weak"]
    assert results[0].score > results[1].score > results[2].score
    assert "sea" in results[0].matched


async def test_discover_avoids_words_the_member_avoids_and_needs_a_profile(
    repos: Repositories,
) -> None:
    service = await seeded(repos, FakeClock())
    with pytest.raises(UserInputError, match="optin"):
        await service.discover(G, ALICE)
    await service.optin(G, ALICE)
    with pytest.raises(UserInputError, match="optin"):
        await service.discover(G, ALICE)  # opted in but nothing known yet
    await service.set_preferences(G, ALICE, {"themes": "camels, the sea", "avoid": "the sea"})
    results, keywords = await service.discover(G, ALICE)
    assert "sea" not in keywords
    assert [r.work.ref for r in results] == ["desert"]
    searched, _ = await service.discover(G, ALICE, about="apples")
    assert [r.work.ref for r in searched] == ["sea-weak"]


def test_fts_query_cannot_be_injected() -> None:
    assert (
        fts_query(['sea" OR title:*', "NEAR(x", "ab", "sea"]) == '"seaortitle" OR "nearx" OR "sea"'
    )
    assert fts_query(["a", "!!"]) is None


async def test_member_text_with_fts_syntax_is_searched_safely(repos: Repositories) -> None:
    service = await seeded(repos, FakeClock())
    results, _ = await service.discover(G, ALICE, about='sea" OR * NEAR( -')
    assert {r.work.ref for r in results} == {"sea-new", "sea-old", "sea-weak"}


async def test_removed_work_leaves_the_index(repos: Repositories) -> None:
    service = await seeded(repos, FakeClock())
    assert await service.remove_work(G, "potd_submission", "desert")
    assert not await service.remove_work(G, "potd_submission", "desert")
    with pytest.raises(UserInputError):
        await service.discover(G, ALICE, about="ab")
    results, _ = await service.discover(G, ALICE, about="camels")
    assert results == []
    with pytest.raises(ValueError, match="unknown work kind"):
        await service.index_work(guild_id=G, kind="meme", ref="x", title="x", text="x")


async def test_sharing_updates_the_index_by_row(repos: Repositories) -> None:
    """Share / Make private touch only their own row of the FTS index: no full rebuild."""
    service = await seeded(repos, FakeClock())
    statements: list[str] = []
    await repos.db.connection.set_trace_callback(statements.append)
    try:
        for _ in range(2):
            await service.index_work(
                guild_id=G,
                kind="lyrics",
                ref="9",
                title="Quarry",
                text="granite echoes",
                author_id=ALICE,
            )
            found, _ = await service.discover(G, BOB, about="granite")
            assert [r.work.ref for r in found] == ["9"]
            assert await service.remove_work(G, "lyrics", "9")
            found, _ = await service.discover(G, BOB, about="granite")
            assert found == []
    finally:
        await repos.db.connection.set_trace_callback(None)
    assert statements and not [s for s in statements if "rebuild" in s.lower()]
    # The index still agrees with its content table, row for row.
    await repos.db.execute(
        "INSERT INTO style_works_fts (style_works_fts, rank) VALUES ('integrity-check', 1)"
    )


async def test_erasure_leaves_no_trace_of_the_text_on_disk(repos: Repositories) -> None:
    service = await seeded(repos, FakeClock())
    secret = "zzqxkvblorp"  # no suffix: porter stemming keeps it whole
    await service.index_work(
        guild_id=G, kind="story", ref="long", title="Long", text="harbour tide " * 400
    )
    await service.index_work(
        guild_id=G,
        kind="lyrics",
        ref="7",
        title="Hidden",
        text=f"{secret} " * 50,
        author_id=ALICE,
    )
    assert await service.forget(G, ALICE) > 0
    path = Path(repos.db.path)
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert secret.encode() not in await asyncio.to_thread(path.read_bytes)
    found, _ = await service.discover(G, BOB, about="harbour")
    assert [r.work.ref for r in found] == ["long"]  # what stays is still found


# -- /analyze input checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("big.txt", b"word " * (1024 * 1024), "5.0 MB"),
        ("song.mp3", b"ID3\x00\x00", "plain-text files"),
        ("notes.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("notes.md", bytes(range(1, 32)) * 10, "binary"),
        ("latin1.txt", "caf\xe9 au lait".encode("latin-1"), "UTF-8"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_bad_uploads_get_a_clear_reason(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(UserInputError, match=re.escape(message)):
        decode_upload(filename, data, max_bytes=MAX)


def test_good_upload_decodes() -> None:
    data = "\ufeff# Tides\n\nThe sea keeps time.\r\n".encode()
    assert decode_upload("Tides.MD", data, max_bytes=MAX).startswith("# Tides")


async def test_blank_and_tiny_text_is_refused_without_calling_the_model(
    repos: Repositories,
) -> None:
    engine = FakeEngine()
    await engine.start()
    service = StyleService(repos.style, repos.members, repos.guilds, engine, FakeClock())
    for text in ("   \n\t ", "\u200b\u200b", "one two"):
        with pytest.raises(UserInputError):
            await service.analyze(ALICE, text=text)
    with pytest.raises(UserInputError, match="empty"):
        await service.analyze(ALICE, upload=("blank.txt", b""))
    with pytest.raises(UserInputError, match="either"):
        await service.analyze(ALICE)
    assert engine.prompts == []


async def test_long_work_is_read_up_to_the_limit(repos: Repositories) -> None:
    engine = FakeEngine()
    await engine.start()
    service = StyleService(
        repos.style,
        repos.members,
        repos.guilds,
        engine,
        FakeClock(),
        config=StyleConfig(analyze_chars=500),
    )
    result = await service.analyze(ALICE, upload=("long.txt", ("word " * 5000).encode()))
    assert result.truncated and result.source == "long.txt"
    assert len(engine.prompts[0].messages[-1].content) < 800
    assert len(result.remixes) == 3 and len(set(result.remixes)) == 3


def test_analysis_guarantees_three_remixes_and_a_form() -> None:
    poem = "The sea keeps time\nwith nobody\n\nsalt on the sill\nthe clocks forgive"
    report = AnalysisReport(
        themes=["time", "time", " "],
        motifs=[],
        imagery=[],
        tone="",
        form="",
        strengths=[],
        remixes=["Same", "same", "sample"],
    )
    result = finish_analysis(report, poem, truncated=False, source="text")
    assert result.themes == ["time"]
    assert len(result.remixes) == 3 and result.remixes[0] == "Same"
    assert len({r.casefold() for r in result.remixes}) == 3
    assert result.form == "verse, 2 stanzas" and result.stats.lines == 4
    assert result.tone == "—"


async def test_an_unusable_model_answer_still_gives_an_analysis(repos: Repositories) -> None:
    engine = FakeEngine(replies=["{", "still not json"])
    await engine.start()
    service = StyleService(repos.style, repos.members, repos.guilds, engine, FakeClock())
    result = await service.analyze(ALICE, text="The sea keeps time\nwith nobody\nat all")
    assert len(engine.prompts) == 2  # tried, retried, then fell back to what code can tell
    assert len(result.remixes) == 3 and result.form.startswith("verse")
    assert result.model_failed


# -- palettes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "proposed", [[], ["#000000"] * 9, ["red", "#GGGGGG", "#12345"], ["#AA0000", "#AA0001"]]
)
def test_palette_is_always_five_distinct_valid_colours(proposed: list[str]) -> None:
    palette = choose_palette(proposed, ["sea", "dusk", "ember"])
    assert len(palette) == 5 and len(set(palette)) == 5
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in palette)


def test_palette_renders_as_png() -> None:
    from io import BytesIO

    from PIL import Image

    png = render_palette(["#112233", "#AABBCC", "#FF0000", "#00FF00", "#0000FF"])
    image = Image.open(BytesIO(png))
    assert image.format == "PNG" and image.size[0] == 5 * 160
    assert image.getpixel((80, 80)) == (0x11, 0x22, 0x33)


# -- /analyze checks the model's answer for content, not only for shape -------------------------

GARBAGE = {
    "themes": [".1865394720_thesmes"],
    "motifs": ["x_9"],
    "imagery": [],
    "tone": "0.5",
    "form": "qqq",
    "strengths": [],
    "remixes": ["a", "b", "c"],
}
GOOD = {
    "themes": ["memory", "the sea"],
    "motifs": ["salt"],
    "imagery": ["a window sill"],
    "tone": "quiet",
    "form": "free verse",
    "strengths": ["Short, exact images."],
    "remixes": ["Tell it as a letter.", "Make it a lullaby.", "Write it from the tide's side."],
}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (".1865394720_thesmes", False),
        ("thesmes", False),
        ("x_9 y_10", False),
        ("", False),
        ("the sea at night", True),
        ("melancholy", True),
        ("Free verse, three stanzas", True),
    ],
)
def test_is_words(text: str, words: bool) -> None:
    assert is_words(text) is words


async def test_an_answer_that_is_not_words_is_retried_once(repos: Repositories) -> None:
    engine = FakeEngine(replies=[json.dumps(GARBAGE), json.dumps(GOOD)])
    await engine.start()
    service = StyleService(repos.style, repos.members, repos.guilds, engine, FakeClock())
    result = await service.analyze(ALICE, text="The sea keeps time\nwith nobody\nat all")
    assert len(engine.prompts) == 2
    assert not result.model_failed and result.themes == ["memory", "the sea"]


async def test_twice_not_words_says_plainly_that_the_model_could_not(repos: Repositories) -> None:
    engine = FakeEngine(replies=[json.dumps(GARBAGE), json.dumps(GARBAGE)])
    await engine.start()
    service = StyleService(repos.style, repos.members, repos.guilds, engine, FakeClock())
    result = await service.analyze(ALICE, text="The sea keeps time\nwith nobody\nat all")
    assert len(engine.prompts) == 2 and result.model_failed
    assert result.themes == [] and result.tone == "—"  # no garbage reaches the member
    embed = analysis_embed(result)
    assert embed.description is not None
    assert "could not analyse" in embed.description and "MUSE_MODEL_PATH" in embed.description
    assert "thesmes" not in str(embed.to_dict())


def test_sentences_with_numbers_are_words() -> None:
    assert is_words("Set it in 2150.") and is_words("Retell it in the 1920s.")
