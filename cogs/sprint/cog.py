"""/sprint: start, join, words, leave, status, end, stats."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import MuseInteraction, actor_of, defer_thinking, reply_private
from bot.i18n import _
from bot.services.sprint import (
    DELAY_MINUTES,
    DURATION_MINUTES,
    GOAL_WORDS,
    MAX_WORDS,
    WordsMode,
)

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["SprintCog"]

Duration = app_commands.Range[int, DURATION_MINUTES[0], DURATION_MINUTES[1]]
Delay = app_commands.Range[int, DELAY_MINUTES[0], DELAY_MINUTES[1]]
Goal = app_commands.Range[int, GOAL_WORDS[0], GOAL_WORDS[1]]
Count = app_commands.Range[int, 0, MAX_WORDS]

MODES = [
    app_commands.Choice(name="My whole count now", value=WordsMode.TOTAL.value),
    app_commands.Choice(name="Words added since I joined", value=WordsMode.ADDED.value),
]


class SprintCog(commands.Cog):
    sprint = app_commands.Group(
        name="sprint",
        description="Writing sprints: write together against the clock",
        guild_only=True,
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @sprint.command(name="start")
    @app_commands.describe(
        duration=f"Minutes of writing ({DURATION_MINUTES[0]} to {DURATION_MINUTES[1]})",
        delay=f"Minutes before it starts (0 to {DELAY_MINUTES[1]}; default now)",
        goal="A goal in words for everyone",
        prompt="Open the sprint with a writing prompt from Muse",
    )
    async def start(
        self,
        interaction: MuseInteraction,
        duration: Duration,
        delay: Delay = 0,
        goal: Goal | None = None,
        prompt: bool = False,
    ) -> None:
        """Start a writing sprint in this channel; you join it."""
        if prompt:
            await defer_thinking(interaction, ephemeral=True)  # the model writes the prompt
        status = await self.bot.services.sprint.start(
            actor_of(interaction), duration=duration, delay=delay, goal=goal, prompt=prompt
        )
        await reply_private(
            interaction, render.start_reply(status), embed=render.prompt_embed(status.sprint)
        )

    @sprint.command(name="join")
    @app_commands.describe(start_words="Your word count now, if you report whole counts later")
    async def join(self, interaction: MuseInteraction, start_words: Count = 0) -> None:
        """Join this channel's sprint."""
        status = await self.bot.services.sprint.join(actor_of(interaction), start_words=start_words)
        await reply_private(
            interaction, _("👋 You're in the sprint."), embed=render.status_embed(status)
        )

    @sprint.command(name="words")
    @app_commands.describe(
        count="Your word count",
        mode="Whether it is your whole count now or the words added since joining",
    )
    @app_commands.choices(mode=MODES)
    async def words(
        self,
        interaction: MuseInteraction,
        count: Count,
        mode: app_commands.Choice[str] | None = None,
    ) -> None:
        """Report your words in this channel's sprint (the latest report counts)."""
        chosen = WordsMode(mode.value) if mode is not None else WordsMode.TOTAL
        report = await self.bot.services.sprint.words(
            actor_of(interaction), count=count, mode=chosen
        )
        await reply_private(interaction, render.words_reply(report))

    @sprint.command(name="leave")
    async def leave(self, interaction: MuseInteraction) -> None:
        """Leave this channel's sprint."""
        await self.bot.services.sprint.leave(actor_of(interaction))
        await reply_private(interaction, _("🚪 You left the sprint."))

    @sprint.command(name="status")
    async def status(self, interaction: MuseInteraction) -> None:
        """Time left and who's writing in this channel's sprint."""
        found = await self.bot.services.sprint.status(actor_of(interaction))
        await reply_private(interaction, embed=render.status_embed(found))

    @sprint.command(name="end")
    async def end(self, interaction: MuseInteraction) -> None:
        """End this channel's sprint now (its starter or a moderator)."""
        found = await self.bot.services.sprint.end(actor_of(interaction))
        if found.sprint.stage == "cancelled":
            text = _("🛑 The sprint is called off.")
        elif found.sprint.stage == "ended":
            text = _("🏁 The sprint is over: the leaderboard is posted.")
        else:
            text = _("⏱️ The sprint is over: final word counts are open, then the leaderboard.")
        await reply_private(interaction, text)

    @sprint.command(name="stats")
    @app_commands.describe(member="Whose totals (default: yours)")
    async def stats(
        self, interaction: MuseInteraction, member: discord.Member | None = None
    ) -> None:
        """Sprint totals: sprints joined, words, best words per minute."""
        who = member or interaction.user
        found = await self.bot.services.sprint.stats(actor_of(interaction), who.id)
        await reply_private(interaction, render.stats_text(found, who.display_name))
