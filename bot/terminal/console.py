"""Reading lines for the terminal without holding up Muse or Ctrl-C.

``input()`` blocks, so it runs on a daemon thread that reads one line each time one is asked
for; the loop awaits the answer or a stop, whichever comes first. Ctrl-C therefore stops Muse at
once, without waiting for Enter, and the abandoned read never delays the process's exit. With a
real terminal, the standard ``readline`` module gives line editing, history and tab completion.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["LineReader", "install_completion"]


class LineReader:
    """``await reader.read(prompt, stop)``: the next line without its newline, None at end of
    input or when ``stop`` is set first."""

    def __init__(self, read_line: Callable[[str], str] | None = None) -> None:
        self._read_line = read_line or input
        self._requests: list[tuple[str, asyncio.AbstractEventLoop, asyncio.Future[str | None]]] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def _serve(self) -> None:
        while True:
            with self._wake:
                while not self._requests:
                    self._wake.wait()
                prompt, loop, future = self._requests.pop(0)
            try:
                line: str | None = self._read_line(prompt)
            except (EOFError, KeyboardInterrupt, OSError, ValueError):
                line = None
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(_settle, future, line)

    async def read(self, prompt: str, stop: asyncio.Event) -> str | None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="terminal-input", daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()
        with self._wake:
            self._requests.append((prompt, loop, future))
            self._wake.notify()
        stopped = asyncio.ensure_future(stop.wait())
        waiters: set[asyncio.Future[Any]] = {future, stopped}
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        return future.result() if future.done() else None


def _settle(future: asyncio.Future[str | None], line: str | None) -> None:
    if not future.done():
        future.set_result(line)


def install_completion(candidates: Callable[[str, str], Sequence[str]]) -> bool:
    """Tab completion through ``readline`` when stdin is a terminal; ``candidates(line, word)``
    gives the completions of ``word`` at the end of ``line``. False where there is no readline."""
    if not sys.stdin.isatty():
        return False
    try:
        import readline
    except ImportError:
        return False
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            line = readline.get_line_buffer()[: readline.get_endidx()]
            try:
                matches[:] = list(candidates(line, text))
            except Exception:  # a completion must never break the prompt
                matches[:] = []
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" \t\n")
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    return True
