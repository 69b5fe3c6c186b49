"""The service's :class:`~bot.services.story.StoryPublisher`: posts in each story's thread.

Every message pings nobody, except the turn announcement and the reminders, which allow a
mention of the one member whose turn it is.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import discord

from bot.db.repositories.stories import ParticipantRecord, SegmentRecord, StoryRecord
from bot.discord_io import NO_PINGS, ping_only
from bot.errors import UserInputError
from bot.services.story import EPUB_MISSING, BookFile, Notice, has_epub

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["DiscordStoryPublisher"]

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: turns can be long


class DiscordStoryPublisher:
    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    def _thread(self, story: StoryRecord) -> discord.abc.Messageable:
        channel = self._bot.get_channel(story.thread_id)
        if isinstance(channel, discord.Thread):
            return channel
        return self._bot.get_partial_messageable(
            story.thread_id, guild_id=story.guild_id, type=discord.ChannelType.public_thread
        )

    async def open_thread(
        self, *, guild_id: int, channel_id: int, title: str, genre: str, starter_name: str
    ) -> int:
        channel = self._bot.get_channel(channel_id)
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        if not isinstance(channel, discord.TextChannel):
            raise UserInputError("Start a story in a text channel: it gets a thread there.")
        try:
            announcement = await channel.send(
                f"📖 **{render.esc(starter_name)}** started a {render.esc(genre)} story: "
                f"**{render.esc(title)}**. Join in its thread with `/story join`.",
                allowed_mentions=NO_PINGS,
            )
            thread = await announcement.create_thread(
                name=title[:100], auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.Forbidden:
            raise UserInputError(
                "I can't create a thread here: I need Send Messages and Create Public Threads "
                "in this channel."
            ) from None
        return thread.id

    async def post_intro(self, story: StoryRecord, seats: Sequence[ParticipantRecord]) -> None:
        await self._thread(story).send(render.intro_text(story, seats), allowed_mentions=NO_PINGS)

    async def post_segment(self, story: StoryRecord, segment: SegmentRecord) -> None:
        thread = self._thread(story)
        for chunk in render.segment_messages(story, segment):
            await thread.send(chunk, allowed_mentions=NO_PINGS)

    async def announce_turn(
        self, story: StoryRecord, writer: ParticipantRecord, recap: str | None
    ) -> None:
        await self._thread(story).send(
            render.turn_text(story, writer, recap),
            allowed_mentions=ping_only(discord.Object(writer.user_id)),
        )

    async def remind(self, story: StoryRecord, writer: ParticipantRecord, level: int) -> None:
        await self._thread(story).send(
            render.reminder_text(story, writer, level),
            allowed_mentions=ping_only(discord.Object(writer.user_id)),
        )

    async def notice(self, story: StoryRecord, notice: Notice) -> None:
        await self._thread(story).send(render.notice_text(notice), allowed_mentions=NO_PINGS)

    async def post_book(
        self, story: StoryRecord, segment_count: int, files: Sequence[BookFile]
    ) -> None:
        await self._thread(story).send(
            f"📕 **{render.esc(story.title)}** is finished: {segment_count} segments. "
            "Here it is as a book, every part credited to its writer."
            + ("" if has_epub(files) else f"\n{EPUB_MISSING}"),
            files=[discord.File(io.BytesIO(f.data), filename=f.filename) for f in files],
            allowed_mentions=NO_PINGS,
        )
