"""Embeds and buttons of /potd. Buttons are DynamicItems with stable custom ids, so they keep
working after a restart; each re-checks permissions in the service before it changes anything."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.db.repositories.potd import PotdQueueRecord, PotdSuggestionRecord
from bot.discord_io import NO_PINGS, RecordButton, handle_interaction_error
from bot.services.potd import (
    MEDIUM_LABELS,
    Actor,
    HistoryPage,
    PotdOverview,
    Preview,
    StreakInfo,
)
from bot.services.potd.timing import format_post_time

from .publisher import MEDIUM_COLOURS, nice_date

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = [
    "HistoryButton",
    "PreviewAgainButton",
    "PreviewKeepButton",
    "ReviewButton",
    "actor_of",
    "history_message",
    "leaderboard_embed",
    "overview_embed",
    "preview_message",
    "queue_embed",
    "review_message",
    "streak_text",
]

SOURCE_LABELS = {
    "queue": "from the queue",
    "suggestion": "a member's suggestion",
    "model": "written by the model",
    "fallback": "from Muse's curated list",
}


def actor_of(interaction: discord.Interaction) -> Actor:
    """Who acts, with the Manage Server permission as Discord resolved it for this interaction
    (the real check: default permissions on a command are only a hint admins can override)."""
    return Actor(interaction.user.id, can_manage=bool(interaction.permissions.manage_guild))


def _bot(interaction: discord.Interaction) -> MuseBot:
    return interaction.client  # type: ignore[return-value]


# -- embeds -------------------------------------------------------------------------------------


def overview_embed(overview: PotdOverview, *, title: str = "Prompt of the day") -> discord.Embed:
    if not overview.configured:
        return discord.Embed(
            title=title,
            description="Not set up yet. Start it with `/potd setup`.",
            colour=discord.Colour.greyple(),
        )
    embed = discord.Embed(
        title=title,
        colour=MEDIUM_COLOURS.get(overview.medium or "mixed", discord.Colour.blurple()),
    )
    embed.add_field(name="Channel", value=f"<#{overview.channel_id}>")
    when = format_post_time(overview.post_time) if overview.post_time else "?"
    embed.add_field(name="Time", value=f"{when} {overview.timezone}")
    embed.add_field(name="Medium", value=MEDIUM_LABELS.get(overview.medium or "", "?"))
    embed.add_field(name="Themes", value=overview.themes or "none", inline=False)
    state = "⏸️ paused" if overview.paused else "▶️ running"
    if overview.next_post_at is not None:
        stamp = int(overview.next_post_at.timestamp())
        state += f" · next post <t:{stamp}:F> (<t:{stamp}:R>)"
    embed.add_field(name="Status", value=state, inline=False)
    embed.add_field(name="Late posts", value=f"up to {overview.grace_hours:g} h after downtime")
    embed.add_field(name="Queue", value=f"{overview.queued} prompt(s)")
    embed.add_field(name="Suggestions", value=f"{overview.pending_suggestions} waiting")
    calendar = overview.calendar
    lines = []
    if calendar.default:
        lines.append(f"Every month: {', '.join(calendar.default)}")
    for month, words in sorted(calendar.months.items()):
        lines.append(f"Month {month}: {', '.join(words)}")
    embed.add_field(name="Theme calendar", value="\n".join(lines)[:1024] or "none", inline=False)
    if overview.last_post_date:
        last = f"{overview.last_post_date}: {overview.last_post_status}"
        if overview.last_post_note and overview.last_post_status != "posted":
            last += f" ({overview.last_post_note[:200]})"
        embed.add_field(name="Last post", value=last, inline=False)
    return embed


def _prompt_embed(title: str, prompt: str, twists: tuple[str, ...], medium: str) -> discord.Embed:
    embed = discord.Embed(
        title=title[:256],
        description=prompt,
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if twists:
        embed.add_field(name="Twists (optional)", value="\n".join(f"• {t}" for t in twists)[:1024])
    return embed


def preview_message(preview: Preview) -> tuple[discord.Embed, discord.ui.View]:
    content = preview.content
    embed = _prompt_embed(content.title, content.prompt, content.twists, content.medium)
    if content.tags:
        embed.add_field(name="Tags", value=", ".join(content.tags), inline=False)
    if preview.calendar_word:
        embed.add_field(name="Word of the day", value=preview.calendar_word)
    label = SOURCE_LABELS.get(content.source, content.source)
    embed.set_footer(text=f"Preview for {preview.local_date} · {label}")
    view = discord.ui.View(timeout=None)
    view.add_item(PreviewAgainButton())
    if preview.draft_id is not None:
        view.add_item(PreviewKeepButton(preview.draft_id))
    return embed, view


def queue_embed(items: list[PotdQueueRecord]) -> discord.Embed:
    embed = discord.Embed(title="Prompt of the day: queue", colour=discord.Colour.blurple())
    if not items:
        embed.description = (
            "The queue is empty: the model writes the next prompt. Add one with `/potd queue add`."
        )
        return embed
    lines = []
    for position, item in enumerate(items, start=1):
        origin = " (suggested)" if item.origin == "suggestion" else ""
        title = discord.utils.escape_markdown(item.title)
        lines.append(f"{position}. `#{item.id}` **{title}**{origin}")
    embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text="Used in this order, before any generated prompt.")
    return embed


def review_message(
    suggestion: PotdSuggestionRecord | None, waiting: int, note: str = ""
) -> tuple[str, discord.Embed | None, discord.ui.View | None]:
    if suggestion is None:
        return (note + "\n" if note else "") + "No suggestions are waiting for review.", None, None
    embed = _prompt_embed(suggestion.title, suggestion.prompt, (), "mixed")
    embed.add_field(name="Suggested by", value=f"<@{suggestion.user_id}>")
    embed.set_footer(text=f"Suggestion #{suggestion.id} · {waiting} waiting")
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton(suggestion.id, approve=True))
    view.add_item(ReviewButton(suggestion.id, approve=False))
    return note, embed, view


def streak_text(info: StreakInfo, *, own: bool, name: str = "") -> str:
    who = "Your" if own else f"{name}'s"
    if not info.total:
        return f"{who} streak: nothing submitted yet. Answer today's prompt with `/potd submit`."
    flame = " 🔥" if info.current >= 3 else ""
    return (
        f"{who} streak: **{info.current}** day(s) in a row{flame} · best {info.best} · "
        f"{info.total} submission(s) in all."
    )


def leaderboard_embed(ranking: list[StreakInfo]) -> discord.Embed:
    embed = discord.Embed(title="Prompt of the day: streaks", colour=discord.Colour.gold())
    if not ranking:
        embed.description = "No streaks yet. Be the first: `/potd submit`."
        return embed
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        f"{medals.get(rank, f'{rank}.')} <@{info.user_id}>: **{info.current}** in a row "
        f"(best {info.best}, {info.total} in all)"
        for rank, info in enumerate(ranking, start=1)
    ]
    embed.description = "\n".join(lines)
    return embed


def history_message(page: HistoryPage, guild_id: int) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(title="Prompt of the day: history", colour=discord.Colour.blurple())
    if not page.entries:
        embed.description = "No prompts have been posted yet."
    else:
        lines = []
        for entry in page.entries:
            title = discord.utils.escape_markdown(entry.title)
            if entry.message_id:
                link = (
                    f"https://discord.com/channels/{guild_id}/{entry.channel_id}/{entry.message_id}"
                )
                title = f"[{title}]({link})"
            lines.append(f"`{entry.local_date}` {title} · {entry.submissions} submission(s)")
        embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total} prompt(s)")
    view = discord.ui.View(timeout=None)
    view.add_item(HistoryButton(page.page - 1, forward=False, disabled=page.page <= 1))
    view.add_item(HistoryButton(page.page + 1, forward=True, disabled=page.page >= page.pages))
    return embed, view


def submission_embed(
    author: str, icon_url: str | None, text: str | None, title: str, local_date: str
) -> discord.Embed:
    embed = discord.Embed(description=text or None, colour=discord.Colour.blurple())
    embed.set_author(name=author, icon_url=icon_url)
    embed.set_footer(text=f"{title} · {nice_date(local_date)}")
    return embed


# -- buttons ------------------------------------------------------------------------------------


class PreviewAgainButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"^muse:potd:preview:again$"
):
    """Generate another candidate for the next prompt."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Another one",
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
        super().__init__(draft_id, label="Queue it", emoji="➕", style=discord.ButtonStyle.success)

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        item = await bot.services.potd.keep_preview(
            interaction.guild_id or 0, actor_of(interaction), self.record_id
        )
        view = discord.ui.View(timeout=None)
        view.add_item(PreviewAgainButton())
        title = discord.utils.escape_markdown(item.title)
        await interaction.response.edit_message(
            content=f"➕ Queued as `#{item.id}`: **{title}**.",
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
                label="Approve" if approve else "Reject",
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
            actor = actor_of(interaction)
            decided = await service.review(
                guild_id, actor, self.suggestion_id, approve=self.approve
            )
            verb = "✅ Approved and queued" if self.approve else "✖️ Rejected"
            note = f"{verb}: **{discord.utils.escape_markdown(decided.title)}**."
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
                label="Newer" if not forward else "Older",
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
            guild_id = interaction.guild_id or 0
            page = await bot.services.potd.history(guild_id, self.page)
            embed, view = history_message(page, guild_id)
            await interaction.response.edit_message(
                embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)
