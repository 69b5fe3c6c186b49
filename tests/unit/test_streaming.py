from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

from bot.discord_io.streaming import StreamingReply, queue_notice
from bot.errors import GenerationTimeout
from models.types import QueueUpdate, StreamEvent, TextDelta


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class RecordingTarget:
    def __init__(self) -> None:
        self.messages: list[str] = [""]
        self.log: list[tuple[str, int, float]] = []
        self.views: dict[int, Any] = {}
        self.clock: FakeClock | None = None

    async def edit(self, index: int, content: str, view: Any) -> None:
        self.messages[index] = content
        self.log.append(("edit", index, self.clock() if self.clock else 0))
        if view is not None:
            self.views[index] = view

    async def send(self, content: str, view: Any) -> None:
        self.messages.append(content)
        self.log.append(("send", len(self.messages) - 1, self.clock() if self.clock else 0))
        if view is not None:
            self.views[len(self.messages) - 1] = view


async def events(
    clock: FakeClock, items: list[StreamEvent], step: float
) -> AsyncIterator[StreamEvent]:
    for item in items:
        clock.now += step
        yield item


async def test_edits_are_throttled_and_the_final_edit_is_complete() -> None:
    clock, target = FakeClock(), RecordingTarget()
    target.clock = clock
    reply = StreamingReply(target, interval=1.0, clock=clock)
    words = [TextDelta(f" w{i}") for i in range(100)]
    result = await reply.run(events(clock, words, 0.05), final_view="VIEW")  # type: ignore[arg-type]
    assert result.complete and result.text.endswith("w99")
    assert target.messages[0].endswith("w99") and "▌" not in target.messages[0]
    times = [t for kind, _, t in target.log]
    gaps = [b - a for a, b in itertools.pairwise(times[:-1])]
    assert len(times) >= 4 and all(g >= 1.0 for g in gaps)
    assert target.views == {0: "VIEW"}


async def test_queue_position_is_shown_then_replaced_by_text() -> None:
    clock, target = FakeClock(), RecordingTarget()
    reply = StreamingReply(target, interval=1.0, clock=clock)
    items: list[StreamEvent] = [QueueUpdate(2, 10.0), QueueUpdate(1, 5.0), TextDelta("Hello")]
    seen: list[str] = []
    original_edit = target.edit

    async def spy(index: int, content: str, view: Any) -> None:
        seen.append(content)
        await original_edit(index, content, view)

    target.edit = spy  # type: ignore[method-assign]
    await reply.run(events(clock, items, 1.5))
    assert "position 2" in seen[0] and "position 1" in seen[1]
    assert target.messages[0] == "Hello"


async def test_long_stream_continues_in_follow_ups() -> None:
    clock, target = FakeClock(), RecordingTarget()
    reply = StreamingReply(target, interval=1.0, clock=clock, limit=200)
    items: list[StreamEvent] = [TextDelta(f"Sentence number {i} is here. ") for i in range(60)]
    await reply.run(events(clock, items, 0.3), final_view="V")  # type: ignore[arg-type]
    assert len(target.messages) > 3
    assert all(len(m) <= 200 for m in target.messages)
    assert list(target.views) == [len(target.messages) - 1]
    assert "".join(target.messages).count("Sentence number") == 60
    assert not any("▌" in m for m in target.messages)


async def test_a_domain_error_mid_stream_keeps_the_text_and_explains() -> None:
    clock, target = FakeClock(), RecordingTarget()

    async def failing() -> AsyncIterator[StreamEvent]:
        yield TextDelta("Half a poem")
        raise GenerationTimeout()

    result = await StreamingReply(target, clock=clock).run(failing())
    assert not result.complete
    assert target.messages[0].startswith("Half a poem")
    assert "took too long" in target.messages[0]


async def test_empty_output_gets_a_message() -> None:
    async def nothing() -> AsyncIterator[StreamEvent]:
        if False:
            yield TextDelta("")

    target = RecordingTarget()
    await StreamingReply(target, clock=FakeClock()).run(nothing(), empty_text="Nothing came.")
    assert target.messages == ["Nothing came."]


def test_queue_notice_wording() -> None:
    assert "you're next" in queue_notice(QueueUpdate(1, 3.2))
    assert "2 ahead of you" in queue_notice(QueueUpdate(3, 12.0))
    assert "about 12 s" in queue_notice(QueueUpdate(3, 12.0))
