"""The command tree: one place that turns errors into replies members can act on."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import discord
from discord import app_commands

from bot.errors import ModelError, MuseError, NotAllowed, UserInputError
from bot.i18n import _
from bot.services.fairness import RateLimited

from .fairness import (
    GenerationRefused,
    rate_limited_message,
    refund_generation,
    release_generation,
)
from .interaction import reply_private
from .language import use_interaction_locale
from .translator import localise_commands

__all__ = ["MuseCommandTree", "error_text", "handle_interaction_error"]

log = logging.getLogger("muse.errors")


def error_text(error: MuseError) -> str:
    """A domain error's message in the current language: the template is looked up in the
    catalog, then its values are filled (a message already translated where it was raised, or
    one quoting member text, has no catalog entry and is shown as it is)."""
    return _(error.message_template, **error.message_values)


def _permission_names(permissions: list[str]) -> str:
    # Discord's own permission names stay as the member's client shows them in settings.
    return ", ".join(p.replace("_", " ").title() for p in permissions)


def _friendly_check_failure(error: app_commands.AppCommandError) -> str | None:
    if isinstance(error, app_commands.MissingPermissions):
        return _(
            "You need the {permissions} permission to use this command.",
            permissions=_permission_names(error.missing_permissions),
        )
    if isinstance(error, app_commands.BotMissingPermissions):
        return _(
            "I need the {permissions} permission here to do that.",
            permissions=_permission_names(error.missing_permissions),
        )
    if isinstance(error, app_commands.NoPrivateMessage):
        return _("This command only works in a server.")
    if isinstance(error, app_commands.CommandOnCooldown):
        return _("Slow down a little: try again in {seconds} s.", seconds=round(error.retry_after))
    if isinstance(error, app_commands.TransformerError):
        return _(
            "I couldn't understand the value {value} for that option.",
            value=repr(str(error.value)[:100]),
        )
    if isinstance(error, app_commands.CheckFailure):
        return _("You can't use this command here.")
    return None


class MuseCommandTree(app_commands.CommandTree[Any]):
    """Domain errors become friendly ephemeral replies; anything unexpected gets an incident id."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if getattr(self.client, "shutting_down", False):
            await reply_private(
                interaction, _("Muse is restarting right now. Please try again in a minute.")
            )
            return False
        return True

    async def _call(self, interaction: discord.Interaction) -> None:
        # The one place every slash command passes through, however it ends (done, failed,
        # cancelled): a generation lease taken by ``@generation_limited`` is given back here.
        try:
            # Before the checks: a refusal is already in the member's language.
            await use_interaction_locale(interaction)
            await super()._call(interaction)
        finally:
            release_generation(interaction)

    async def sync(self, *, guild: discord.abc.Snowflake | None = None) -> list[Any]:
        """Sync with every name, description, option and choice localised from the catalog."""
        localise_commands(self._translatable(guild))
        return await super().sync(guild=guild)

    async def translated_payload(self, guild: discord.abc.Snowflake | None) -> list[Any]:
        """What :meth:`sync` sends: the commands with their localisations, sorted by name."""
        commands = self._translatable(guild)
        localise_commands(commands)
        translator = self.translator
        if translator is None:
            return sorted((c.to_dict(self) for c in commands), key=lambda c: str(c["name"]))
        payload = [await c.get_translated_payload(self, translator) for c in commands]
        return sorted(payload, key=lambda c: str(c["name"]))

    def _translatable(
        self, guild: discord.abc.Snowflake | None
    ) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
        return [
            c
            for c in self.get_commands(guild=guild)
            if isinstance(c, app_commands.Command | app_commands.Group)
        ]

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_interaction_error(interaction, error)


async def handle_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    """Shared by the tree and by views/modals (their own ``on_error`` hooks call it)."""
    await use_interaction_locale(interaction)
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
        message = error_text(original)
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
        message = _(
            "Something went wrong on my side. The server's admins can find the details in "
            "Muse's log under incident **{incident}**.",
            incident=incident,
        )
    # Counted by the operations endpoint's metrics when it runs (bot/ops/cog.py).
    interaction.client.dispatch("muse_interaction_error", interaction, outcome, incident)
    try:
        await reply_private(interaction, message)
    except discord.HTTPException:
        log.warning("could not deliver an error reply to %s", interaction.user.id, exc_info=True)
