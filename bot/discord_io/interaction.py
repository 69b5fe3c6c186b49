"""The interaction conventions every cog shares: the :data:`MuseInteraction` alias (so
``interaction.client`` is typed as Muse's bot, with no ``type: ignore`` getter), the one
private-reply helper, and :func:`actor_of`, which turns an interaction into the service layer's
:class:`~bot.services.actor.Actor`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import discord

from bot.services.actor import Actor, ChannelCheck, nobody_moderates
from bot.services.text import clean_display_name

from .mentions import NO_PINGS

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["MuseInteraction", "actor_of", "moderates_in", "reply_private"]

MuseInteraction: TypeAlias = "discord.Interaction[MuseBot]"


async def reply_private(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """Answer only the member who acted, whether or not the interaction was acknowledged.

    A public "thinking…" placeholder left by a deferral is replaced rather than left spinning.
    """
    missing: Any = discord.utils.MISSING
    if not interaction.response.is_done():
        await interaction.response.send_message(
            content,
            embed=embed or missing,
            view=view or missing,
            file=file or missing,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
    elif interaction.extras.get("deferred_public") and not interaction.extras.get("answered"):
        await interaction.edit_original_response(
            content=content,
            embed=embed,
            view=view,
            attachments=[file] if file else missing,
            allowed_mentions=NO_PINGS,
        )
    else:
        await interaction.followup.send(
            content or missing,
            embed=embed or missing,
            view=view or missing,
            file=file or missing,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


def moderates_in(interaction: discord.Interaction[Any]) -> ChannelCheck:
    """Whether the acting member has Manage Messages in a given channel of this server (the
    channel the thing lives in, not the one the command was typed in)."""
    guild = interaction.guild
    member = interaction.user
    if guild is None or not isinstance(member, discord.Member):
        return nobody_moderates

    def check(channel_id: int) -> bool:
        channel = guild.get_channel_or_thread(channel_id)
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        if channel is None:
            return False
        return channel.permissions_for(member).manage_messages

    return check


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The member acting, as the services see them."""
    permissions = interaction.permissions
    return Actor(
        guild_id=interaction.guild_id,
        channel_id=interaction.channel_id,
        user_id=interaction.user.id,
        display_name=clean_display_name(interaction.user.display_name),
        can_manage=permissions.manage_guild,
        can_moderate=moderates_in(interaction),
    )
