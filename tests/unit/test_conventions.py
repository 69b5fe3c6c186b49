"""The shared conventions: timestamps across the repository boundary, background tasks, and the
one Markdown escape."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.db.timestamps import from_db, from_db_optional, to_db
from bot.services.actor import Actor
from bot.services.markdown import escape_line, escape_markdown
from bot.services.tasks import BackgroundTasks


def test_timestamps_round_trip_to_the_millisecond_and_sort_as_text() -> None:
    paris = timezone(timedelta(hours=1))
    early = datetime(2026, 3, 1, 23, 30, 0, 123456, tzinfo=paris)
    late = early + timedelta(milliseconds=5)
    assert to_db(early) == "2026-03-01T22:30:00.123Z"
    assert from_db(to_db(early)) == early.replace(microsecond=123000)
    assert to_db(early) < to_db(late)


@pytest.mark.parametrize(
    "stored",
    [
        "2026-03-01T22:30:00Z",
        "2026-03-01T22:30:00+00:00",
        "2026-03-01 22:30:00",
        "2026-03-01T22:30:00",
    ],
)
def test_every_stored_format_reads_back_as_aware_utc(stored: str) -> None:
    assert from_db(stored) == datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert from_db(stored).tzinfo is not None


def test_empty_reads_back_as_none() -> None:
    assert from_db_optional(None) is None
    assert from_db_optional("") is None


async def test_background_task_failure_is_logged_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks("test")
    done: list[str] = []

    async def fails() -> None:
        raise RuntimeError("boom")

    async def works() -> None:
        await asyncio.sleep(0)
        done.append("ok")

    with caplog.at_level(logging.ERROR):
        tasks.spawn(fails(), "fails")
        tasks.spawn(works(), "works")
        await tasks.wait()
    assert done == ["ok"]
    assert not tasks
    assert any("fails" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_quiet_failures_and_cancel_all() -> None:
    tasks = BackgroundTasks("test", quiet=(KeyError,))

    async def quiet() -> None:
        raise KeyError("cut off")

    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    tasks.spawn(quiet(), "quiet")
    running = tasks.spawn(forever(), "forever")
    await started.wait()
    await tasks.cancel_all()
    assert running.cancelled()
    assert len(tasks) == 0


async def test_a_task_cancelled_before_it_starts_leaves_no_unawaited_coroutine() -> None:
    tasks = BackgroundTasks("test")

    async def never_started() -> None:
        raise AssertionError("must not run")

    coro = never_started()
    task = tasks.spawn(coro, "early")
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    # Closed, not pending: a pending coroutine would be reported "never awaited" when collected.
    assert coro.cr_frame is None


_md = MarkdownIt("commonmark").enable("strikethrough")


def _plain_text(rendered: str) -> str:
    tokens = _md.parse(rendered)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text", "softbreak"}, kinds
    return "".join(c.content for t in tokens for c in (t.children or []) if c.type == "text")


@given(st.text(alphabet=st.characters(codec="ascii", exclude_categories=("Cc",)), max_size=80))
def test_an_escaped_line_is_only_text_and_reads_back_exactly(text: str) -> None:
    line = escape_line(text)
    if line:
        assert _plain_text(line) == text.strip()


def test_escape_markdown_keeps_lines_and_neutralises_each() -> None:
    text = "# title\n**bold** [link](x)\n1. item\n||spoiler|| ~~gone~~ <@&1>"
    escaped = escape_markdown(text)
    assert escaped.count("\n") == 3
    for line in escaped.split("\n"):
        _plain_text(line)


def test_actor_defaults_grant_nothing() -> None:
    actor = Actor(guild_id=1, channel_id=2, user_id=3)
    assert not actor.can_manage
    assert not actor.can_moderate(2)
