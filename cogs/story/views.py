"""The /story show pager (buttons that survive restarts) and the writing form."""

from __future__ import annotations

import re
from typing import Any, cast

import discord

from bot.discord_io import (
    NO_PINGS,
    MuseInteraction,
    actor_of,
    handle_interaction_error,
    use_interaction_locale,
)
from bot.i18n import _, ngettext
from bot.services.markdown import escape_line
from bot.services.story import SEGMENT_LIMIT, StoryPage, StoryService, WriteResult

from . import render

__all__ = ["PageButton", "StoryWriteModal", "page_view", "write_confirmation"]


def _story(interaction: discord.Interaction) -> StoryService:
    """The story service of the bot the interaction came to (a view's callback is typed for any
    client; Muse's views only ever run in Muse)."""
    return cast("MuseInteraction", interaction).client.services.story


def page_view(page: StoryPage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    story_id = page.story.id
    view.add_item(PageButton(story_id, page.page - 1, "prev", disabled=page.page <= 0))
    view.add_item(
        discord.ui.Button(
            label=f"{page.page + 1} / {page.pages}",
            style=discord.ButtonStyle.secondary,
            disabled=True,
            custom_id=f"muse:story:pageno:{story_id}",
        )
    )
    view.add_item(PageButton(story_id, page.page + 1, "next", disabled=page.page >= page.pages - 1))
    return view


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^muse:story:page:(?P<story>\d+):(?P<page>\d+):(?P<dir>prev|next)$",
):
    """Turns the page of a /story show message; bound to the story id and the target page."""

    def __init__(self, story_id: int, page: int, direction: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=_("◀ Previous") if direction == "prev" else _("Next ▶"),
                style=discord.ButtonStyle.primary,
                disabled=disabled,
                custom_id=f"muse:story:page:{story_id}:{max(0, page)}:{direction}",
            )
        )
        self.story_id = story_id
        self.page = max(0, page)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(int(match["story"]), int(match["page"]), match["dir"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await use_interaction_locale(interaction)
            page = await _story(interaction).page_by_id(
                self.story_id, self.page, guild_id=interaction.guild_id
            )
            await interaction.response.edit_message(
                embed=render.page_embed(page), view=page_view(page), allowed_mentions=NO_PINGS
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


def write_confirmation(result: WriteResult) -> str:
    story = result.story
    done = _(
        "✅ Your part {part} of **{title}** is in.",
        part=result.segment.seq,
        title=escape_line(story.title),
    )
    if result.ended:
        return done + " " + _("That was the last turn: the finished book is in the thread.")
    if result.next_writer is None:
        return done + " " + _("The story waits for more writers now.")
    return done + " " + _("Next up: {name}.", name=render.seat_name(result.next_writer))


class StoryWriteModal(discord.ui.Modal):
    """The long-form way to write a turn."""

    def __init__(self, story_id: int, title: str, word_limit: int) -> None:
        super().__init__(
            title=_("Write: {title}", title=title)[:45], custom_id=f"muse:story:write:{story_id}"
        )
        self.story_id = story_id
        # Built here, not at class level: its label and placeholder speak the member's language.
        self.text: discord.ui.TextInput[StoryWriteModal] = discord.ui.TextInput(
            label=_("Your part of the story"),
            placeholder=ngettext("Up to {n} word.", "Up to {n} words.", word_limit),
            style=discord.TextStyle.paragraph,
            min_length=1,
            max_length=SEGMENT_LIMIT,
            custom_id="muse:story:write:text",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        result = await _story(interaction).write(
            actor_of(interaction), str(self.story_id), self.text.value
        )
        await interaction.response.send_message(
            write_confirmation(result), ephemeral=True, allowed_mentions=NO_PINGS
        )

    async def on_error(  # type: ignore[override]  # Modal's own signature, not BaseView's
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await handle_interaction_error(interaction, error)
