"""The sprint repository on a real database: one live sprint per channel, conditional steps,
totals, and a member's export and erasure; and the leaderboard arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.services.container import build_services
from bot.services.sprint import (
    LiveSprintTaken,
    SprintParticipant,
    SprintRecord,
    WordsMode,
    standings,
    words_written,
)
from bot.services.sprint.types import NewSprint
from bot.settings import Settings
from models import FakeEngine

GUILD, CHANNEL = 42, 7
ALICE, BOB = 1001, 1002
START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def new_sprint(channel: int = CHANNEL, starter: int = ALICE) -> NewSprint:
    return NewSprint(
        guild_id=GUILD,
        channel_id=channel,
        starter_id=starter,
        duration_minutes=10,
        goal_words=None,
        prompt_title=None,
        prompt_text=None,
        created_at=START,
        starts_at=START,
        ends_at=START + 10 * MINUTE,
        closes_at=START + 12 * MINUTE,
    )


async def test_times_round_trip_as_aware_utc(repos: Repositories) -> None:
    sprint = await repos.sprints.create(new_sprint())
    assert sprint.starts_at == START and sprint.starts_at.tzinfo is not None
    assert sprint.closes_at == START + 12 * MINUTE and sprint.stage == "scheduled"


async def test_one_live_sprint_per_channel_until_it_ends(repos: Repositories) -> None:
    first = await repos.sprints.create(new_sprint())
    with pytest.raises(LiveSprintTaken):
        await repos.sprints.create(new_sprint())
    assert await repos.sprints.set_stage(first.id, "scheduled", "running", START)
    assert not await repos.sprints.set_stage(first.id, "scheduled", "running", START)
    assert await repos.sprints.set_stage(first.id, "running", "grace", START)
    assert await repos.sprints.set_stage(first.id, "grace", "ended", START + MINUTE)
    ended = await repos.sprints.get(first.id)
    assert ended is not None and ended.ended_at == START + MINUTE
    second = await repos.sprints.create(new_sprint())
    assert [s.id for s in await repos.sprints.live()] == [second.id]


async def test_stats_count_only_ended_sprints_of_the_server(repos: Repositories) -> None:
    done = await repos.sprints.create(new_sprint())
    await repos.sprints.add_participant(done.id, ALICE, "alice", 0, START)
    await repos.sprints.report_words(done.id, ALICE, 300, START + 5 * MINUTE)
    await repos.sprints.set_wpm(done.id, ALICE, 30.0)
    await repos.sprints.set_stage(done.id, "scheduled", "ended", START)
    live = await repos.sprints.create(new_sprint())
    await repos.sprints.add_participant(live.id, ALICE, "alice", 0, START)
    await repos.sprints.report_words(live.id, ALICE, 9999, START)
    stats = await repos.sprints.stats(GUILD, ALICE)
    assert (stats.sprints, stats.words, stats.best_wpm) == (1, 300, 30.0)
    other = await repos.sprints.stats(GUILD + 1, ALICE)
    assert (other.sprints, other.words, other.best_wpm) == (0, 0, None)


async def test_export_and_erase_a_members_sprints(repos: Repositories) -> None:
    started = await repos.sprints.create(new_sprint())
    for user, name in ((ALICE, "alice"), (BOB, "bob")):
        await repos.sprints.add_participant(started.id, user, name, 10, START)
        await repos.sprints.report_words(started.id, user, 50, START + MINUTE)
    exported = await repos.sprints.export_member(GUILD, ALICE)
    assert [r["sprint_id"] for r in exported["sprints_joined"]] == [started.id]
    assert exported["sprints_joined"][0]["words"] == 50
    assert [r["sprint_id"] for r in exported["sprints_started"]] == [started.id]
    assert await repos.sprints.export_member(GUILD + 1, ALICE) == {
        "sprints_joined": [],
        "sprints_started": [],
    }

    assert await repos.sprints.erase_member(GUILD, ALICE) == 2
    assert await repos.sprints.participant(started.id, ALICE) is None
    kept = await repos.sprints.get(started.id)
    assert kept is not None and kept.starter_id is None
    assert await repos.sprints.participant(started.id, BOB) is not None
    assert await repos.sprints.export_member(GUILD, ALICE) == {
        "sprints_joined": [],
        "sprints_started": [],
    }


def test_the_container_covers_sprints_in_member_data(repos: Repositories) -> None:
    services = build_services(Settings(), repos, FakeEngine(), FakeClock(START))
    assert repos.sprints in services.member_data
    assert services.sprint is not None


def _sprint(goal: int | None = None) -> SprintRecord:
    return SprintRecord(
        1, GUILD, CHANNEL, ALICE, 10, goal, None, None, "grace", START, START,
        START + 10 * MINUTE, START + 12 * MINUTE, False, None,
    )  # fmt: skip


def _participant(user: int, name: str, words: int | None, joined: datetime) -> SprintParticipant:
    return SprintParticipant(1, user, name, 0, words, None, joined, None)


def test_standings_share_ranks_and_rate_late_joiners_from_their_joining() -> None:
    sprint = _sprint(goal=200)
    board = standings(
        sprint,
        [
            _participant(1, "ann", 200, START),
            _participant(2, "ben", 200, START + 5 * MINUTE),  # wrote for five minutes
            _participant(3, "cat", None, START),
            _participant(4, "dan", 50, START + 30 * MINUTE),  # joined in the grace: a minute
        ],
    )
    rows = [(s.rank, s.display_name, s.words, s.wpm, s.reached_goal) for s in board]
    assert rows == [
        (1, "ann", 200, 20.0, True),
        (1, "ben", 200, 40.0, True),
        (3, "dan", 50, 50.0, False),
        (4, "cat", None, 0.0, False),
    ]


def test_words_written_from_either_kind_of_count() -> None:
    assert words_written(WordsMode.TOTAL, 1500, 1200) == 300
    assert words_written(WordsMode.ADDED, 300, 1200) == 300
    assert words_written(WordsMode.TOTAL, 0, 0) == 0
