"""How a prompt is put together; the words themselves live in ``bot/services/prompts``.

User text only ever goes into marked slots, and the system prompt (the caller's persona) says
that what is inside the markers is material to work with, never instructions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .types import ChatMessage

__all__ = ["build_messages", "user_slot"]

_MARKERS = re.compile(r"<<<|>>>")


def user_slot(text: str) -> str:
    """Wrap member text in markers it cannot close early."""
    return "<<<" + _MARKERS.sub("", text).strip() + ">>>"


def build_messages(
    system: str,
    task: str,
    slots: Mapping[str, str] | None = None,
    *,
    system_extra: str = "",
) -> list[ChatMessage]:
    """A system prompt plus one user message: ``task`` (our words) then each member slot."""
    system = system + (" " + system_extra.strip() if system_extra.strip() else "")
    lines = [task.strip()]
    for name, value in (slots or {}).items():
        if value:
            lines.append(f"{name}: {user_slot(value)}")
    return [ChatMessage("system", system), ChatMessage("user", "\n".join(lines))]
