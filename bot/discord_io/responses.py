"""Small response helpers every cog uses."""

from __future__ import annotations

import discord

__all__ = ["defer_thinking"]


async def defer_thinking(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge now (Discord's 3-second deadline) with a "thinking…" placeholder."""
    if interaction.response.is_done():
        return
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    interaction.extras["deferred_public"] = not ephemeral
