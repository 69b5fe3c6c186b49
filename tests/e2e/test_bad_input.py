"""Bad input to any option of any command, and to any form it opens, is refused privately or
cleaned: never an unexpected error, a 400, an unwanted ping or a write on a refusal.

Hypothesis draws the command, the option and the value from the schema the bot synced to the
sandbox, so a command added later is covered without editing this file. The bot runs in a
thread of its own (its own event loop), so each drawn example is a plain call.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.sandbox import Sandbox

from .conftest import MuseHarness, assert_no_unwanted_pings, start_muse
from .option_space import Leaf, base_options, leaf_commands, settle

pytestmark = pytest.mark.e2e

T = TypeVar("T")

# What a hostile or careless member types. "over" is one past the declared maximum, which only a
# modified client can send; the rest are cut to the option's maximum length.
BAD_VALUES: dict[str, str] = {
    "empty": "",
    "whitespace": "   \t \u3000  ",
    "zero-width": "\u200b\u200c\u200dword\ufeff\u2060",
    "right-to-left override": "\u202eelddir\u202c and more",
    "mass mentions": "@everyone @here <@&123456789012345678> <@123456789012345678> hi",
    "markdown bomb": "*" * 2000,
    "non-XML characters": "bad\uffff\u0000text\ufffe",
    "huge number": "9" * 80,
}
_FORBIDDEN_IN_REPLIES = ("\u0000", "\u202e")


class LiveMuse:
    """The bot and sandbox on an event loop in a background thread."""

    def __init__(self, tmp_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sandbox = Sandbox()
        self.run(self.sandbox.start())
        self.muse: MuseHarness = self.run(start_muse(self.sandbox, tmp_path))
        self.outcomes: dict[int, str] = {}

        async def record(interaction: Any, outcome: str, incident: str | None) -> None:
            self.outcomes[interaction.id] = outcome

        self.muse.bot.add_listener(record, "on_muse_interaction_error")
        self.leaves = [leaf for leaf in leaf_commands(self.sandbox) if leaf.text_options()]

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        try:
            self.run(self.muse.stop())
            self.run(self.sandbox.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def database_digest(self) -> str:
        with sqlite3.connect(f"file:{self.muse.database}?mode=ro", uri=True) as db:
            return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveMuse]:
    muse = LiveMuse(tmp_path)
    yield muse
    muse.close()


def _value(kind: str, option: dict[str, Any]) -> str:
    limit = int(option.get("max_length", 6000))
    if kind == "over":  # Discord itself refuses more than 6,000, whatever the client
        return "a" * min(limit + 1, 6000)
    return BAD_VALUES[kind][:limit]


async def _invoke(live: LiveMuse, leaf: Leaf, option: str, value: str) -> list[Any]:
    """Send the command with one bad value (answering any form it opens with the same value);
    return the interaction handles."""
    sandbox = live.sandbox
    await settle(sandbox, quiet=0.2)
    options = base_options(sandbox, leaf, longest=False)
    options[option] = value
    handle = await sandbox.slash(leaf.name, options, user=sandbox.admin, check_lengths=False)
    handles = [handle]
    if await handle.acknowledged(timeout=15) == 9:
        modal = await handle.wait_modal()
        values = {
            child["custom_id"]: value[: int(child.get("max_length", 4000))] or "x"
            for row in modal.get("components", [])
            for child in row.get("components", [])
            if child.get("type") == 4
        }
        submitted = await sandbox.submit_modal(handle, values)
        await submitted.acknowledged(timeout=15)
        handles.append(submitted)
    await settle(sandbox, quiet=0.3)
    return handles


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bad_input_is_refused_privately_or_cleaned(live: LiveMuse, data: st.DataObject) -> None:
    leaf = data.draw(st.sampled_from(live.leaves), label="command")
    option = data.draw(st.sampled_from(leaf.text_options()), label="option")
    kind = data.draw(st.sampled_from([*BAD_VALUES, "over", "any text"]), label="kind")
    if kind == "any text":
        value = data.draw(st.text(max_size=int(option.get("max_length", 100))), label="text")
    else:
        value = _value(kind, option)
    before_calls = len(live.sandbox.calls)
    before = live.database_digest()
    handles = live.run(_invoke(live, leaf, option["name"], value))
    where = f"/{leaf.name} {option['name']}={kind}"

    assert live.sandbox.connected, f"{where}: the bot dropped off the gateway"
    calls = live.sandbox.calls[before_calls:]
    refused = [c for c in calls if c.status == 400]
    assert not refused, f"{where}: Discord would refuse {[(c.path, c.response) for c in refused]}"
    members = [live.sandbox.admin, *live.sandbox.members]
    assert_no_unwanted_pings(calls, allowed_users=[m.id for m in members])
    replies = [m for h in handles for m in h.messages]
    for reply in replies:
        assert "incident" not in reply.content, f"{where}: unexpected error {reply.content!r}"
        for bad in _FORBIDDEN_IN_REPLIES:
            assert bad not in reply.content, f"{where}: echoed {bad!r}"
    outcomes = {live.outcomes.get(h.id) for h in handles}
    event(f"outcome: {'refused' if 'refused' in outcomes else 'answered'}")
    assert "error" not in outcomes, where
    if "refused" in outcomes:
        assert replies and all(m.ephemeral for m in replies), f"{where}: a public refusal"
        assert live.database_digest() == before, f"{where}: a refusal wrote to the database"


def test_the_option_space_covers_every_command(live: LiveMuse) -> None:
    names = {leaf.name for leaf in live.leaves}
    assert {"write", "lyrics draft", "story start", "potd suggest", "style set"} <= names
    assert sum(len(leaf.text_options()) for leaf in live.leaves) >= 45
