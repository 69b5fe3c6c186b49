"""The command tree: one place that turns errors into replies members can act on."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord
from discord import app_commands

from bot.errors import ModelError, MuseError, NotAllowed, UserInputError
from bot.services.fairness import RateLimited

from .fairness import (
    GenerationRefused,
    rate_limited_message,
    refund_generation,
    release_generation,
)
from .interaction import reply_private

__all__ = ["MuseCommandTree", "handle_interaction_error"]

log = logging.getLogger("muse.errors")


def _friendly_check_failure(error: app_commands.AppCommandError) -> str | None:
    if isinstance(error, app_commands.MissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {perms} permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the {perms} permission here to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand the value {str(error.value)[:100]!r} for that option."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    return None


class MuseCommandTree(app_commands.CommandTree[Any]):
    """Domain errors become friendly ephemeral replies; anything unexpected gets an incident id."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if getattr(self.client, "shutting_down", False):
            await reply_private(
                interaction, "Muse is restarting right now. Please try again in a minute."
            )
            return False
        return True

    async def _call(self, interaction: discord.Interaction) -> None:
        # The one place every slash command passes through, however it ends (done, failed,
        # cancelled): a generation lease taken by ``@generation_limited`` is given back here.
        try:
            await super()._call(interaction)
        finally:
            release_generation(interaction)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_interaction_error(interaction, error)


async def handle_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    """Shared by the tree and by views/modals (their own ``on_error`` hooks call it)."""
    original: BaseException = error
    if isinstance(error, app_commands.CommandInvokeError):
        original = error.original
    elif isinstance(error, GenerationRefused):
        original = error.refusal
    incident: str | None = None
    if isinstance(original, RateLimited):
        log.info("generation refused for %s: %s", interaction.user.id, original.reason)
        message = rate_limited_message(original)
        outcome = "rate_limited"
    elif isinstance(original, MuseError):
        if not isinstance(original, NotAllowed):
            # The class, not the message: messages quote what the member typed.
            log.info("command error for %s: %s", interaction.user.id, type(original).__name__)
        if isinstance(original, UserInputError):
            refund_generation(interaction)  # bad input: nothing was generated
        message = original.user_message
        outcome = "model_error" if isinstance(original, ModelError) else "refused"
    elif isinstance(error, app_commands.AppCommandError) and (
        friendly := _friendly_check_failure(error)
    ):
        message = friendly
        outcome = "refused"
    else:
        incident = uuid.uuid4().hex[:8]
        outcome = "error"
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "incident %s: unexpected error in %s (user %s, guild %s)",
            incident,
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=original,
            extra={"incident": incident, "command": command, "guild": interaction.guild_id},
        )
        message = (
            "Something went wrong on my side. The server's admins can find the details in "
            f"Muse's log under incident **{incident}**."
        )
    # Counted by the operations endpoint's metrics when it runs (bot/ops/cog.py).
    interaction.client.dispatch("muse_interaction_error", interaction, outcome, incident)
    try:
        await reply_private(interaction, message)
    except discord.HTTPException:
        log.warning("could not deliver an error reply to %s", interaction.user.id, exc_info=True)
