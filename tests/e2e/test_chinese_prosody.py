"""Chinese in the lyric and poetry studio, end to end: the real bot against the sandbox over
sockets. /lyrics syllables counts Han characters and shows the rhyme by pinyin final, /lyrics
rhyme suggests common words, /poetry check shows a 绝句's 平仄 and rhyme, and /write drafts a
绝句 and repairs its rhyme, on a scripted fake model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Sandbox, StoredMessage
from bot.services.prosody.zh import readings
from models import ChatMessage, FakeEngine, GenerationOptions

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse
from .test_poetry_forms import rows, shown

pytestmark = pytest.mark.e2e

QUIET_NIGHT = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"
BAIDI = "朝辞白帝彩云间 / 千里江陵一日还 / 两岸猿声啼不住 / 轻舟已过万重山"


class JuejuModel:
    """Drafts 静夜思 with a last line that fails to rhyme, then offers versions of it."""

    def __init__(self) -> None:
        self.repairs: list[list[str]] = []

    def __call__(self, messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        props: dict[str, Any] = (options.json_schema or {}).get("properties", {})
        if "line_1" in props and props["line_1"].get("type") == "string":
            return json.dumps(
                {"line_1": "床前明月光", "line_2": "疑是地上霜", "line_3": "举头望明月",
                 "line_4": "低头思故里"}, ensure_ascii=False
            )  # fmt: skip
        self.repairs.append(sorted(props))
        versions = ["低头思故乡", "低头看远方", "低头思故人"]
        return json.dumps(
            {f: (versions * 3)[: p["minItems"]] for f, p in props.items()}, ensure_ascii=False
        )


@pytest.fixture
def model() -> JuejuModel:
    return JuejuModel()


@pytest.fixture
async def muse(sandbox: Sandbox, tmp_path: Path, model: JuejuModel) -> AsyncIterator[MuseHarness]:
    harness = await start_muse(sandbox, tmp_path, engine_factory=lambda: FakeEngine(model))
    yield harness
    await harness.stop()
    assert not sandbox.unknown_routes, f"the bot called unknown routes: {sandbox.unknown_routes}"


def text_of(message: StoredMessage) -> str:
    parts = [message.content or ""]
    for embed in message.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


async def test_syllables_of_a_chinese_line_count_its_characters(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    one = await (
        await sandbox.slash("lyrics syllables", {"text": "床前明月光"}, user=sandbox.members[0])
    ).final_message()
    assert "` 5` 床前明月光" in one.embeds[0]["description"]
    assert "光 guāng -uang" in one.embeds[0]["description"]
    assert one.embeds[-1]["footer"]["text"].startswith("5 syllables in all")

    two = await (
        await sandbox.slash("lyrics syllables", {"text": "床前明月光 / 疑是地上霜"})
    ).final_message()
    shown_text = text_of(two)
    assert "` 5` 床前明月光" in shown_text and "` 5` 疑是地上霜" in shown_text
    assert "光 ~ 霜: -uang" in shown_text  # both end on the final uang
    assert assert_no_unwanted_pings(sandbox.calls) >= 1


async def test_a_mixed_line_counts_english_words_by_their_syllables(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    reply = await (
        await sandbox.slash("lyrics syllables", {"text": "我爱你 baby，你是我的 river"})
    ).final_message()
    # 我爱你 (3) + baby (2) + 你是我的 (4) + river (2)
    assert "`11` 我爱你 baby，你是我的 river" in reply.embeds[0]["description"]


async def test_rhyme_for_a_chinese_character_suggests_words_with_its_final(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    reply = await (await sandbox.slash("lyrics rhyme", {"word": "光"})).final_message()
    fields = reply.embeds[0]["fields"]
    assert fields and fields[0]["name"] == "1 character"
    words = [w for f in fields for w in f["value"].split(", ")]
    assert len(words) >= 10 and all(readings(w)[-1].final == "uang" for w in words)
    assert all(not w.endswith("光") for w in words)

    bad = await (await sandbox.slash("lyrics rhyme", {"word": "月光，"})).final_message()
    assert bad.ephemeral and "Chinese word" in bad.content


async def test_poetry_check_of_quiet_night_thought_shows_tones_and_the_rhyme(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash(
        "poetry check", {"form": "wuyan_jueju", "text": QUIET_NIGHT}, user=sandbox.members[1]
    )
    message = await ix.final_message()
    checked = rows(message)
    assert [row.split()[2] for row in checked[:4]] == ["✓"] * 4  # 4 lines of 5, 2 and 4 rhyme
    assert "5/5 char." in checked[0]
    body = text_of(message)
    assert "`1` 床前明月光 `平平平仄平`" in body
    assert "霜 shuāng -uang (江阳)" in body and "乡 xiāng -iang (江阳)" in body
    assert "they rhyme" in body
    assert "入声" in body  # the reply says what modern tones cannot show


async def test_poetry_check_of_a_seven_character_quatrain_fits_its_pattern(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    ix = await sandbox.slash("poetry check", {"form": "qiyan_jueju", "text": BAIDI})
    body = text_of(await ix.final_message())
    assert "平起首句入韵" in body
    assert "`1` 朝辞白帝彩云间 `平平仄仄仄平平` · pattern `平平仄仄仄平平` ✓" in body
    assert "还 huán -uan (言前)" in body and "山 shān -an (言前)" in body
    assert "they rhyme" in body and "白" in body.split("入声 characters:")[1]

    short = await (
        await sandbox.slash("poetry check", {"form": "qiyan_jueju", "text": "朝辞白帝彩云间"})
    ).final_message()
    assert "has 4 lines; this has 1" in text_of(short)


async def test_write_a_jueju_repairs_only_the_line_that_fails_to_rhyme(
    muse: MuseHarness, model: JuejuModel
) -> None:
    sandbox = muse.sandbox
    write = next(c for c in sandbox.commands() if c["name"] == "write")
    offered = {c["value"] for o in write["options"] if o["name"] == "form" for c in o["choices"]}
    assert {"wuyan_jueju", "qiyan_jueju"} <= offered
    ix = await sandbox.slash(
        "write", {"form": "wuyan_jueju", "topic": "月夜思乡"}, user=sandbox.members[0]
    )
    message = await shown(sandbox, ix)
    lines = rows(message)
    assert lines[3] == "` 4` ✓ 低头思故乡 — *5/5 char. · A*"
    assert model.repairs == [["line_4"]]
    assert isinstance(muse.engine, FakeEngine)
    repair_prompt = muse.engine.prompts[-1].text
    assert '"里" does not rhyme with "霜"' in repair_prompt
    assert "pinyin final rhymes with" in repair_prompt
    assert "平仄" in text_of(message)
