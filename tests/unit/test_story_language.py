"""A story remembers the language it was started in, and its book declares it."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.services.actor import Actor
from models import FakeEngine

from .test_story_service import ALICE, GUILD, START, make_service, start, write


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


async def test_a_story_started_in_chinese_keeps_its_language_into_the_epub(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    story = await start(service, title="灯塔", language="zh-CN")
    assert story.language == "zh-CN"
    stored = await repos.stories.get(story.id)
    assert stored is not None and stored.language == "zh-CN"
    await write(service, story, ALICE, "灯塔的光第一次熄灭，是在那年的霜降。")
    await service.end(Actor(GUILD, None, ALICE), str(story.id))
    files = await service.export(GUILD, str(story.id), None)
    with zipfile.ZipFile(io.BytesIO(files[1].data)) as archive:
        opf = next(archive.read(n).decode() for n in archive.namelist() if n.endswith(".opf"))
    assert "<dc:language>zh-CN</dc:language>" in opf
    assert "霜降" in files[0].data.decode("utf-8")
    await engine.close()


async def test_a_missing_or_malformed_language_means_english(
    repos: Repositories, clock: FakeClock
) -> None:
    engine = FakeEngine()
    await engine.start()
    service, _, _ = make_service(repos, engine, clock)
    plain = await start(service, title="Salt")
    odd = await start(service, title="Brine", language="zh_CN<script>")
    assert plain.language == "en" and odd.language == "en"
    await engine.close()
