"""Handles on interactions the sandbox sent: awaitable views of how the bot answered.

A handle reads the sandbox only through :class:`InteractionSource` (its state, its recorded calls,
and waiting on a change), so it does not depend on the driver that makes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Protocol

from .constants import JSON
from .errors import SandboxError
from .records import RecordedCall
from .state import SandboxState
from .stored import StoredInteraction, StoredMessage, StoredUser

__all__ = ["InteractionHandle", "InteractionSource"]


class InteractionSource(Protocol):
    """What a handle needs of the sandbox that sent its interaction."""

    @property
    def state(self) -> SandboxState: ...

    @property
    def calls(self) -> list[RecordedCall]: ...

    async def wait_until(self, condition: Callable[[], Any], timeout: float = 5.0) -> Any: ...  # noqa: ASYNC109


class InteractionHandle:
    """One interaction the sandbox sent, with awaitable views of the bot's answer."""

    def __init__(self, sandbox: InteractionSource, stored: StoredInteraction) -> None:
        self._sandbox = sandbox
        self.stored = stored

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} response={self.response_type}>"

    @property
    def id(self) -> int:
        return self.stored.id

    @property
    def token(self) -> str:
        return self.stored.token

    @property
    def type(self) -> int:
        return self.stored.type

    @property
    def user(self) -> StoredUser:
        return self.stored.user

    @property
    def created_at(self) -> float:
        return self.stored.created_at

    @property
    def acknowledged_at(self) -> float | None:
        return self.stored.acknowledged_at

    @property
    def response_type(self) -> int | None:
        """The accepted callback type (4 message, 5 defer, 6 update-defer, 7 update, 8, 9)."""
        return self.stored.response_type

    @property
    def modal(self) -> JSON | None:
        """The modal the bot opened (callback type 9): ``custom_id``, ``title``, ``components``."""
        return self.stored.modal

    @property
    def choices(self) -> list[JSON] | None:
        """Autocomplete choices the bot answered with (callback type 8)."""
        return self.stored.choices

    @property
    def calls(self) -> list[RecordedCall]:
        """Every REST call that addressed this interaction (callback, webhook follow-ups, edits)."""
        return [c for c in self._sandbox.calls if f"/{self.token}" in c.path]

    @property
    def callback_calls(self) -> list[RecordedCall]:
        return [c for c in self.calls if c.path.endswith("/callback")]

    @property
    def original(self) -> StoredMessage | None:
        mid = self.stored.original_message_id
        return self._sandbox.state.messages.get(mid) if mid else None

    @property
    def messages(self) -> list[StoredMessage]:
        """The original response (if any) and the follow-ups, oldest first, without deleted ones."""
        state = self._sandbox.state
        ids = ([self.stored.original_message_id] if self.stored.original_message_id else []) + list(
            self.stored.followup_ids
        )
        found = [state.messages[i] for i in ids if i in state.messages]
        return [m for m in found if not m.deleted]

    async def response(self, timeout: float = 5.0) -> RecordedCall:  # noqa: ASYNC109
        """The bot's first callback request (whatever the sandbox answered to it)."""
        calls: list[RecordedCall] = await self._sandbox.wait_until(
            lambda: self.callback_calls, timeout
        )
        return calls[0]

    async def acknowledged(self, timeout: float = 5.0) -> int:  # noqa: ASYNC109
        """Wait for an accepted callback; return its type."""
        await self._sandbox.wait_until(lambda: self.stored.acknowledged, timeout)
        assert self.stored.response_type is not None
        return self.stored.response_type

    async def final_message(self, timeout: float = 10.0, settle: float = 0.3) -> StoredMessage:  # noqa: ASYNC109
        """The newest message of this interaction once the bot has gone quiet on it.

        Waits for an accepted callback, for a "thinking" placeholder to be replaced, and then until
        no request addressed this interaction for ``settle`` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        await self.acknowledged(timeout)

        def quiet() -> bool:
            original = self.original
            if original is not None and original.loading:
                return False
            calls = self.calls
            last = calls[-1].at if calls else self.created_at
            return time.monotonic() - last >= settle

        await self._sandbox.wait_until(quiet, max(0.1, deadline - loop.time()))
        messages = self.messages
        if not messages:
            raise SandboxError(f"interaction {self.id} produced no message")
        return messages[-1]

    async def wait_modal(self, timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        await self.acknowledged(timeout)
        if self.stored.modal is None:
            raise SandboxError(f"bot answered with callback type {self.response_type}, not a modal")
        return self.stored.modal

    @property
    def latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE to the accepted callback."""
        if self.stored.acknowledged_at is None:
            return None
        return self.stored.acknowledged_at - self.stored.created_at
