"""/poetry check: a member's own poem against a fixed form, line by line; no model involved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_io import NO_PINGS, MuseInteraction
from bot.i18n import _
from bot.services.poetry import POEM_LIMIT, check_text, form_choices

from .render import check_pages

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["PoetryCog"]

FORM_CHOICES = [app_commands.Choice(name=label, value=key) for key, label in form_choices().items()]


class PoetryCog(commands.Cog):
    poetry = app_commands.Group(
        name="poetry", description="Poetry forms that code verifies: syllables, rhyme, refrains."
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @poetry.command(name="check")
    @app_commands.describe(
        form="The form the poem should have",
        text=f"The poem: one line per line, or lines split by / (up to {POEM_LIMIT} characters)",
    )
    @app_commands.choices(form=FORM_CHOICES)
    async def check(
        self,
        interaction: MuseInteraction,
        form: str,
        text: app_commands.Range[str, 1, POEM_LIMIT],
    ) -> None:
        """Check your poem against a form: syllables, rhyme and refrains, line by line."""
        # Validated before acknowledging: bad input gets a private reply, nothing public.
        result = await check_text(form, text)
        label = result.form.shown_label
        pages = check_pages(_("{form}: your poem, checked", form=label), result)
        await interaction.response.send_message(embeds=pages[0], allowed_mentions=NO_PINGS)
        for page in pages[1:]:
            await interaction.followup.send(embeds=page, allowed_mentions=NO_PINGS)
