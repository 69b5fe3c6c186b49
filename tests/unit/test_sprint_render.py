"""How sprints look in Discord: a full sprint's announcements fit Discord's limits, the
leaderboard names every participant, and member text stays text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.discord_io import CONTENT_LIMIT
from bot.services.sprint import (
    MAX_PARTICIPANTS,
    SprintParticipant,
    SprintPublication,
    SprintRecord,
    standings,
)
from cogs.sprint import render

START = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)
BIG_ID = 987654321098765432


def sprint(**changes: object) -> SprintRecord:
    base: dict[str, object] = {
        "id": 1,
        "guild_id": 42,
        "channel_id": 7,
        "starter_id": BIG_ID,
        "duration_minutes": 120,
        "goal_words": 100_000,
        "prompt_title": "T" * 120,
        "prompt_text": "**bold** <@&1> " * 40,
        "stage": "ended",
        "created_at": START,
        "starts_at": START,
        "ends_at": START + timedelta(minutes=120),
        "closes_at": START + timedelta(minutes=122),
        "ended_early": False,
        "ended_at": None,
    }
    base.update(changes)
    return SprintRecord(**base)  # type: ignore[arg-type]


def crowd() -> list[SprintParticipant]:
    return [
        SprintParticipant(1, BIG_ID + n, f"{'*_' * 49}{n:02d}", 0, 1_000_000 - n, None, START, None)
        for n in range(MAX_PARTICIPANTS)
    ]


def test_a_full_sprints_announcements_fit_one_message_each() -> None:
    people = crowd()
    ids = [p.user_id for p in people]
    for kind in ("start", "end"):
        found = SprintPublication(kind, sprint(), people, (), 2.0, ids)  # type: ignore[arg-type]
        text = render.announcement(found)
        assert len(text) <= CONTENT_LIMIT, (kind, len(text))
        assert all(f"<@{u}>" in text for u in ids)
    prompt = render.prompt_embed(sprint())
    assert prompt is not None and prompt.description is not None
    assert len(prompt.title or "") <= 256
    # The prompt is text, not markup: no role mention, no bold.
    assert "<@&1>" not in prompt.description and "**bold**" not in prompt.description
    assert render.prompt_embed(sprint(prompt_title=None, prompt_text=None)) is None


def test_the_leaderboard_names_everyone_within_limits() -> None:
    people = crowd()
    found = SprintPublication("results", sprint(), people, standings(sprint(), people), 2.0)
    chunks = render.leaderboard_chunks(found)
    assert len(chunks) > 1 and all(len(c) <= CONTENT_LIMIT for c in chunks)
    joined = "\n".join(chunks)
    assert all(f"{n:02d}**: " in joined for n in range(MAX_PARTICIPANTS))
    assert "Together:" in chunks[-1]


def test_an_empty_sprint_says_so() -> None:
    found = SprintPublication("results", sprint(), [], [], 2.0)
    assert "Nobody stayed" in render.leaderboard_chunks(found)[0]
