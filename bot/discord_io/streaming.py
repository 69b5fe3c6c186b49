"""Streaming a model's reply into Discord messages.

The reply is re-rendered at most once per ``interval`` (so each message is edited at most about
once a second), always followed by a final render holding the complete text. Text beyond one
message continues in follow-ups, split by :func:`split_text`. While the request waits for the
model, the message shows its queue position and estimated wait.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

import discord

from bot.errors import MuseError
from bot.i18n import _
from models.types import QueueUpdate, StreamEvent, TextDelta

from .mentions import NO_PINGS
from .split import CONTENT_LIMIT, split_text

__all__ = ["InteractionTarget", "ReplyTarget", "StreamResult", "StreamingReply", "queue_notice"]

log = logging.getLogger(__name__)

CURSOR = " ▌"


class ReplyTarget(Protocol):
    """Where a streamed reply goes: message 0 is the (deferred) response, the rest follow-ups."""

    async def edit(self, index: int, content: str, view: discord.ui.View | None) -> None: ...

    async def send(self, content: str, view: discord.ui.View | None) -> None: ...


class InteractionTarget:
    """A deferred interaction response plus its follow-ups."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self._interaction = interaction
        self._followups: list[discord.WebhookMessage] = []

    async def edit(self, index: int, content: str, view: discord.ui.View | None) -> None:
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        if index == 0:
            await self._interaction.edit_original_response(
                content=content, allowed_mentions=NO_PINGS, **extra
            )
            self._interaction.extras["answered"] = True
        else:
            await self._followups[index - 1].edit(
                content=content, allowed_mentions=NO_PINGS, **extra
            )

    async def send(self, content: str, view: discord.ui.View | None) -> None:
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        message = await self._interaction.followup.send(
            content, allowed_mentions=NO_PINGS, wait=True, **extra
        )
        self._followups.append(message)


def queue_notice(update: QueueUpdate) -> str:
    wait = max(1, round(update.eta_seconds))
    ahead = update.position - 1
    if ahead == 0:
        return _(
            "⏳ Waiting for the model: position {position} in the queue (you're next), "
            "about {seconds} s.",
            position=update.position,
            seconds=wait,
        )
    return _(
        "⏳ Waiting for the model: position {position} in the queue ({ahead} ahead of you), "
        "about {seconds} s.",
        position=update.position,
        ahead=ahead,
        seconds=wait,
    )


class StreamResult:
    def __init__(self, text: str, error: MuseError | None, messages: int) -> None:
        self.text = text
        self.error = error
        self.messages = messages

    @property
    def complete(self) -> bool:
        return self.error is None


class StreamingReply:
    """Renders a stream of engine events into one or more Discord messages."""

    def __init__(
        self,
        target: ReplyTarget,
        *,
        interval: float = 1.0,
        limit: int = CONTENT_LIMIT,
        header: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._target = target
        self._interval = interval
        self._limit = limit
        self._header = header
        self._clock = clock
        # What each message shows. Message 0 (the deferred response) exists from the start.
        self._shown: list[str | None] = [None]
        self._last_render = float("-inf")

    async def _render(self, pages: list[str], view: discord.ui.View | None = None) -> None:
        for index, page in enumerate(pages):
            page_view = view if index == len(pages) - 1 else None
            if index < len(self._shown):
                if self._shown[index] != page or page_view is not None:
                    await self._target.edit(index, page, page_view)
                    self._shown[index] = page
            else:
                await self._target.send(page, page_view)
                self._shown.append(page)
        self._last_render = self._clock()

    def _pages(self, body: str, *, final: bool) -> list[str]:
        text = self._header + body
        if not final:
            text = text.rstrip() + CURSOR
        # The same limit with or without the cursor, so the final render never needs fewer pages.
        return split_text(text, self._limit - len(CURSOR)) or [text]

    async def run(
        self,
        events: AsyncIterator[StreamEvent],
        *,
        final_view: discord.ui.View | None = None,
        empty_text: str | None = None,
    ) -> StreamResult:
        """Consume ``events`` to the end and leave the complete text on screen."""
        parts: list[str] = []
        error: MuseError | None = None
        try:
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    if isinstance(event, QueueUpdate):
                        due = self._clock() - self._last_render >= self._interval
                        if due or self._shown[0] is None:
                            await self._render([self._header + queue_notice(event)])
                        continue
                    parts.append(event.text if isinstance(event, TextDelta) else "")
                    if self._clock() - self._last_render >= self._interval:
                        body = "".join(parts)
                        if body.strip():
                            await self._render(self._pages(body, final=False))
        except MuseError as exc:
            error = exc
        text = "".join(parts).strip()
        if error is not None:
            notice = f"*({_(error.message_template, **error.message_values)})*"
            body = f"{text}\n\n{notice}" if text else notice
            await self._render(self._pages(body, final=True), final_view)
        else:
            nothing = empty_text or _("The model had nothing to say this time. Try again?")
            await self._render(self._pages(text or nothing, final=True), final_view)
        return StreamResult(text, error, len(self._shown))
