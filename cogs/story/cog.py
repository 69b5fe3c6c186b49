"""/story: start, join, leave, write, show, status, list, skip, kick, pause, resume, end, export
(and the canon subcommands, from :mod:`.canon`)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.discord_io import NO_PINGS, MuseInteraction, actor_of, defer_thinking, reply_private
from bot.i18n import _, current_locale, discord_code
from bot.services.markdown import escape_line
from bot.services.story import (
    EPUB_MISSING,
    GENRE_LIMIT,
    OPENING_LIMIT,
    SEGMENT_LIMIT,
    STORY_REF_LIMIT,
    TITLE_LIMIT,
    Scope,
    StoryStatus,
    has_epub,
)

from . import render
from .canon import CanonCommands, story_group
from .views import StoryWriteModal, page_view, write_confirmation

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["StoryCog"]

STORY_OPTION = "The story (default: the story of this thread)"
#: A story id (from autocomplete) or its title.
StoryRef = app_commands.Range[str, 1, STORY_REF_LIMIT]


def _state(status: str) -> str:
    return {"open": _("running"), "paused": _("paused"), "ended": _("ended")}.get(status, status)


async def _suggest(
    interaction: MuseInteraction, current: str, scope: Scope
) -> list[app_commands.Choice[str]]:
    stories = await interaction.client.services.story.suggest(interaction.guild_id, current, scope)
    choices = []
    for story in stories:
        label = (
            story.title
            if story.status == "open"
            else _("{title} ({state})", title=story.title, state=_state(story.status))
        )
        choices.append(app_commands.Choice(name=label[:100], value=str(story.id)))
    return choices


async def complete_running(
    interaction: MuseInteraction, current: str
) -> list[app_commands.Choice[str]]:
    return await _suggest(interaction, current, "running")


async def complete_any(
    interaction: MuseInteraction, current: str
) -> list[app_commands.Choice[str]]:
    return await _suggest(interaction, current, "any")


async def complete_ended(
    interaction: MuseInteraction, current: str
) -> list[app_commands.Choice[str]]:
    return await _suggest(interaction, current, "ended")


def _turn_summary(status: StoryStatus) -> str:
    story = status.story
    if story.status == "ended":
        return _("The story has ended.")
    if story.status == "paused":
        return _("The story is paused.")
    return _("It's {name}'s turn.", name=render.seat_name(status.current))


class StoryCog(CanonCommands):
    story = story_group

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    @story.command(name="start")
    @app_commands.describe(
        title=f"The story's title (up to {TITLE_LIMIT} characters)",
        genre=f"Its genre, e.g. fantasy, noir, sci-fi (up to {GENRE_LIMIT} characters)",
        opening="An opening line; it counts as your first turn",
        turn_hours="Hours each writer has for a turn (default 24)",
        word_limit="Most words in one turn (default 300)",
        max_rounds="End the story after this many rounds",
        max_participants="Most writers in the rotation",
        ai_partner="Let Muse's AI take a turn in the rotation and stand in for late writers",
        shuffle="Shuffle the turn order instead of join order",
        human_only="Written by members alone: no AI partner and no AI stand-ins",
    )
    async def start(
        self,
        interaction: MuseInteraction,
        title: app_commands.Range[str, 1, TITLE_LIMIT],
        genre: app_commands.Range[str, 1, GENRE_LIMIT],
        opening: app_commands.Range[str, 1, OPENING_LIMIT] | None = None,
        turn_hours: app_commands.Range[float, 0.1, 336.0] | None = None,
        word_limit: app_commands.Range[int, 10, 1000] | None = None,
        max_rounds: app_commands.Range[int, 1, 1000] | None = None,
        max_participants: app_commands.Range[int, 2, 100] | None = None,
        ai_partner: bool = False,
        shuffle: bool = False,
        human_only: bool = False,
    ) -> None:
        """Start a story chain in its own thread; you take the first turn."""
        await defer_thinking(interaction, ephemeral=True)
        status = await self.bot.services.story.start(
            actor_of(interaction),
            title=title,
            genre=genre,
            opening=opening,
            turn_hours=turn_hours,
            word_limit=word_limit,
            max_rounds=max_rounds,
            max_participants=max_participants,
            ai_partner=ai_partner,
            shuffle=shuffle,
            human_only=human_only,
            # The book declares the language the story was started in (its starter's).
            language=discord_code(current_locale()),
        )
        await reply_private(
            interaction,
            _(
                "📖 **{title}** has begun in <#{thread}>.",
                title=escape_line(status.story.title),
                thread=status.story.thread_id,
            )
            + " "
            + _turn_summary(status),
        )

    @story.command(name="join")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def join(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Join a story's rotation."""
        status = await self.bot.services.story.join(actor_of(interaction), story)
        await reply_private(
            interaction,
            _(
                "👋 You're in **{title}** (<#{thread}>).",
                title=escape_line(status.story.title),
                thread=status.story.thread_id,
            )
            + " "
            + _turn_summary(status),
        )

    @story.command(name="leave")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def leave(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Leave a story's rotation (your segments stay in the story)."""
        status = await self.bot.services.story.leave(actor_of(interaction), story)
        await reply_private(
            interaction, _("🚪 You left **{title}**.", title=escape_line(status.story.title))
        )

    @story.command(name="write")
    @app_commands.describe(
        story=STORY_OPTION, text="Your part (leave empty to open a form for longer text)"
    )
    @app_commands.autocomplete(story=complete_running)
    async def write(
        self,
        interaction: MuseInteraction,
        story: StoryRef | None = None,
        text: app_commands.Range[str, 1, SEGMENT_LIMIT] | None = None,
    ) -> None:
        """Write your turn of a story."""
        service = self.bot.services.story
        if text is None:
            record = await service.check_can_write(actor_of(interaction), story)
            await interaction.response.send_modal(
                StoryWriteModal(record.id, record.title, record.word_limit)
            )
            return
        result = await service.write(actor_of(interaction), story, text)
        await reply_private(interaction, write_confirmation(result))

    @story.command(name="show")
    @app_commands.describe(story=STORY_OPTION, page="Page to open (default 1)")
    @app_commands.autocomplete(story=complete_any)
    async def show(
        self,
        interaction: MuseInteraction,
        story: StoryRef | None = None,
        page: app_commands.Range[int, 1, 10000] = 1,
    ) -> None:
        """Read a story, a page at a time."""
        found = await self.bot.services.story.page(
            interaction.guild_id, story, interaction.channel_id, page - 1
        )
        await reply_private(interaction, embed=render.page_embed(found), view=page_view(found))

    @story.command(name="status")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_any)
    async def status(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Whose turn it is, the deadline and the rotation."""
        found = await self.bot.services.story.status(
            interaction.guild_id, story, interaction.channel_id
        )
        await reply_private(interaction, embed=render.status_embed(found))

    @story.command(name="list")
    async def list_(self, interaction: MuseInteraction) -> None:
        """The server's stories, running ones first."""
        stories = await self.bot.services.story.list_stories(interaction.guild_id)
        await reply_private(interaction, embed=render.list_embed(stories))

    @story.command(name="skip")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def skip(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Skip the current writer's turn (starter or Manage Messages)."""
        status = await self.bot.services.story.skip(actor_of(interaction), story)
        await reply_private(interaction, _("⏭️ Skipped.") + " " + _turn_summary(status))

    @story.command(name="kick")
    @app_commands.describe(member="Who to remove from the rotation", story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def kick(
        self,
        interaction: MuseInteraction,
        member: discord.Member,
        story: StoryRef | None = None,
    ) -> None:
        """Remove a member from a story's rotation (starter or Manage Messages)."""
        status = await self.bot.services.story.kick(actor_of(interaction), story, member.id)
        await reply_private(
            interaction,
            _("🚫 {name} is out of the rotation.", name=escape_line(member.display_name))
            + " "
            + _turn_summary(status),
        )

    @story.command(name="pause")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def pause(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Pause a story: no turns, no deadlines (starter or Manage Messages)."""
        status = await self.bot.services.story.pause(actor_of(interaction), story)
        await reply_private(
            interaction, _("⏸️ **{title}** is paused.", title=escape_line(status.story.title))
        )

    @story.command(name="resume")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def resume(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Resume a paused story (starter or Manage Messages)."""
        status = await self.bot.services.story.resume(actor_of(interaction), story)
        await reply_private(
            interaction,
            _("▶️ **{title}** continues.", title=escape_line(status.story.title))
            + " "
            + _turn_summary(status),
        )

    @story.command(name="end")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=complete_running)
    async def end(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """End a story and post it as a book (starter or Manage Messages)."""
        # A refusal (permissions are checked before anything changes) stays private.
        await defer_thinking(interaction, ephemeral=True)
        status = await self.bot.services.story.end(actor_of(interaction), story)
        await reply_private(
            interaction,
            _(
                "📕 **{title}** is finished: the book is in <#{thread}>.",
                title=escape_line(status.story.title),
                thread=status.story.thread_id,
            ),
        )

    @story.command(name="export")
    @app_commands.describe(story="A finished story")
    @app_commands.autocomplete(story=complete_ended)
    async def export(self, interaction: MuseInteraction, story: StoryRef | None = None) -> None:
        """Get a finished story as Markdown and EPUB files."""
        await defer_thinking(interaction, ephemeral=True)
        files = await self.bot.services.story.export(
            interaction.guild_id, story, interaction.channel_id
        )
        await interaction.followup.send(
            _("📕 Here is the book.") if has_epub(files) else f"📕 {EPUB_MISSING}",
            files=[discord.File(io.BytesIO(f.data), filename=f.filename) for f in files],
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
