"""The sprint's opt-in writing prompt, drawn from the prompt-of-the-day generator.

The generator is used through its public API only (``bot.services.potd``): one model try for a
writing prompt, then its curated list, so a sprint never waits long for its prompt.
"""

from __future__ import annotations

import logging

from bot.services.potd import PromptGenerator, RepeatFilter

from .ports import SprintPrompt

__all__ = ["PotdSprintPrompts"]

log = logging.getLogger(__name__)


class PotdSprintPrompts:
    """:class:`~.ports.SprintPrompts` on the prompt-of-the-day generator."""

    def __init__(self, generator: PromptGenerator, *, threshold: float = 82.0) -> None:
        self._generator = generator
        self._threshold = threshold

    async def sprint_prompt(self, guild_id: int) -> SprintPrompt | None:
        try:
            report = await self._generator.generate(
                medium="writing",
                themes=None,
                word=None,
                history=RepeatFilter((), self._threshold),
                recent_titles=(),
                guild_id=guild_id,
                interactive=True,
            )
        except Exception:  # a sprint starts without its prompt rather than not at all
            log.exception("sprint: no prompt could be drawn")
            return None
        return SprintPrompt(report.content.title, report.content.prompt)
