"""Buttons of /potd and the messages that carry them (their embeds come from :mod:`.render`).
Buttons are DynamicItems with stable custom ids, so they keep working after a restart; each
re-checks permissions in the service before it changes anything."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_io import (
    NO_PINGS,
    RecordButton,
    handle_interaction_error,
    use_interaction_locale,
)
from bot.i18n import _
from bot.services.potd import Actor, HistoryPage, PotdSuggestionRecord, Preview

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = [
    "HistoryButton",
    "PreviewAgainButton",
    "PreviewKeepButton",
    "ReviewButton",
    "actor_of",
    "history_message",
    "preview_message",
    "review_message",
]


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who acts, with the Manage Server permission as Discord resolved it for this interaction
    (the real check: default permissions on a command are only a hint admins can override)."""
    return Actor(interaction.user.id, can_manage=bool(interaction.permissions.manage_guild))


def _bot(interaction: discord.Interaction) -> MuseBot:
    return interaction.client  # type: ignore[return-value]


# -- messages with buttons ----------------------------------------------------------------------


def preview_message(preview: Preview) -> tuple[discord.Embed, discord.ui.View]:
    view = discord.ui.View(timeout=None)
    view.add_item(PreviewAgainButton())
    if preview.draft_id is not None:
        view.add_item(PreviewKeepButton(preview.draft_id))
    return render.preview_embed(preview), view


def review_message(
    suggestion: PotdSuggestionRecord | None, waiting: int, note: str = ""
) -> tuple[str, discord.Embed | None, discord.ui.View | None]:
    if suggestion is None:
        nothing = _("No suggestions are waiting for review.")
        return (note + "\n" if note else "") + nothing, None, None
    embed = render.review_embed(suggestion, waiting)
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton(suggestion.id, approve=True))
    view.add_item(ReviewButton(suggestion.id, approve=False))
    return note, embed, view


def history_message(page: HistoryPage, guild_id: int) -> tuple[discord.Embed, discord.ui.View]:
    view = discord.ui.View(timeout=None)
    view.add_item(HistoryButton(page.page - 1, forward=False, disabled=page.page <= 1))
    view.add_item(HistoryButton(page.page + 1, forward=True, disabled=page.page >= page.pages))
    return render.history_embed(page, guild_id), view


# -- buttons ------------------------------------------------------------------------------------


class PreviewAgainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^muse:potd:preview:again$"
):
    """Generate another candidate for the next prompt."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("Another one"),
                emoji="🔄",
                style=discord.ButtonStyle.secondary,
                custom_id="muse:potd:preview:again",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PreviewAgainButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            await use_interaction_locale(interaction)
            actor = actor_of(interaction)
            bot.services.potd.require_manager(actor)  # before acknowledging: a private refusal
            await interaction.response.defer()
            preview = await bot.services.potd.preview(interaction.guild_id or 0, actor, fresh=True)
            embed, view = preview_message(preview)
            await interaction.edit_original_response(
                embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


class PreviewKeepButton(RecordButton, prefix="muse:potd:preview:keep"):
    """Keep a previewed prompt: it joins the queue."""

    def __init__(self, draft_id: int) -> None:
        super().__init__(
            draft_id, label=_("Queue it"), emoji="➕", style=discord.ButtonStyle.success
        )

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        item = await bot.services.potd.keep_preview(
            interaction.guild_id or 0, actor_of(interaction), self.record_id
        )
        view = discord.ui.View(timeout=None)
        view.add_item(PreviewAgainButton())
        await interaction.response.edit_message(
            content=render.kept_text(item),
            view=view,
            allowed_mentions=NO_PINGS,
        )


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^muse:potd:review:(?P<action>approve|reject):(?P<id>\d+)$",
):
    """Approve (into the queue) or reject a member's suggestion."""

    def __init__(self, suggestion_id: int, *, approve: bool) -> None:
        action = "approve" if approve else "reject"
        super().__init__(
            discord.ui.Button(
                label=_("Approve") if approve else _("Reject"),
                emoji="✅" if approve else "✖️",
                style=discord.ButtonStyle.success if approve else discord.ButtonStyle.danger,
                custom_id=f"muse:potd:review:{action}:{suggestion_id}",
            )
        )
        self.suggestion_id = suggestion_id
        self.approve = approve

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(int(match["id"]), approve=match["action"] == "approve")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        service = bot.services.potd
        guild_id = interaction.guild_id or 0
        try:
            await use_interaction_locale(interaction)
            actor = actor_of(interaction)
            decided = await service.review(
                guild_id, actor, self.suggestion_id, approve=self.approve
            )
            note = render.reviewed_note(decided, approve=self.approve)
            following = await service.next_suggestion(guild_id, actor)
            waiting = await service.pending_suggestion_count(guild_id)
            content, embed, view = review_message(following, waiting, note)
            await interaction.response.edit_message(
                content=content or None, embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


class HistoryButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^muse:potd:history:(?P<dir>prev|next):(?P<page>\d+)$",
):
    """Turn a page of /potd history."""

    def __init__(self, page: int, *, forward: bool, disabled: bool = False) -> None:
        direction = "next" if forward else "prev"
        super().__init__(
            discord.ui.Button(
                label=_("Newer") if not forward else _("Older"),
                emoji="◀️" if not forward else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"muse:potd:history:{direction}:{max(page, 0)}",
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HistoryButton:
        return cls(int(match["page"]), forward=match["dir"] == "next")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        try:
            await use_interaction_locale(interaction)
            guild_id = interaction.guild_id or 0
            page = await bot.services.potd.history(guild_id, self.page)
            embed, view = history_message(page, guild_id)
            await interaction.response.edit_message(
                embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)
