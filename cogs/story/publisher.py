"""The service's :class:`~bot.services.story.StoryPublisher` (opens a story's thread) and the
outbox's renderer for everything posted in that thread.

Every message pings nobody, except the turn announcement and the reminders, which allow a
mention of the one member whose turn it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord

from bot.discord_io import NO_PINGS
from bot.errors import UserInputError
from bot.i18n import _, ngettext, use_locale
from bot.services.markdown import escape_line
from bot.services.outbox import OutboxFile, OutboxItem, OutboxMessage
from bot.services.story import EPUB_MISSING, has_epub

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["DiscordStoryPublisher"]

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: turns can be long


class DiscordStoryPublisher:
    def __init__(self, bot: MuseBot) -> None:
        self._bot = bot

    async def open_thread(
        self, *, guild_id: int, channel_id: int, title: str, genre: str, starter_name: str
    ) -> int:
        channel = self._bot.get_channel(channel_id)
        if isinstance(channel, discord.Thread):
            channel = channel.parent
        if not isinstance(channel, discord.TextChannel):
            raise UserInputError(_("Start a story in a text channel: it gets a thread there."))
        try:
            announcement = await channel.send(
                _(
                    "📖 **{name}** started a {genre} story: **{title}**. Join in its thread "
                    "with `/story join`.",
                    name=escape_line(starter_name),
                    genre=escape_line(genre),
                    title=escape_line(title),
                ),
                allowed_mentions=NO_PINGS,
            )
            thread = await announcement.create_thread(
                name=title[:100], auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.Forbidden:
            raise UserInputError(
                _(
                    "I can't create a thread here: I need Send Messages and Create Public "
                    "Threads in this channel."
                )
            ) from None
        return thread.id

    async def render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        """The outbox's renderer for ``story.*`` items: the messages one item posts in the
        story's thread (in the server's language), or None when there is nothing left to say."""
        locale = await self._bot.services.language.server_locale(item.guild_id)
        with use_locale(locale):
            return await self._render(item)

    async def _render(self, item: OutboxItem) -> list[OutboxMessage] | None:
        found = await self._bot.services.story.publication(item.kind, item.payload)
        if found is None:
            return None
        story = found.story
        if found.kind == "intro":
            return [OutboxMessage(render.intro_text(story, found.seats))]
        if found.kind == "segment" and found.segment is not None:
            return [OutboxMessage(c) for c in render.segment_messages(story, found.segment)]
        if found.kind == "notice" and found.notice is not None:
            return [OutboxMessage(render.notice_text(found.notice))]
        if found.kind == "turn" and found.writer is not None:
            text = render.turn_text(story, found.writer, found.recap)
            return [OutboxMessage(text, ping_user_id=found.writer.user_id)]
        if found.kind == "reminder" and found.writer is not None:
            text = render.reminder_text(story, found.writer, found.level)
            return [OutboxMessage(text, ping_user_id=found.writer.user_id)]
        if found.kind == "book":
            page = await self._bot.services.gallery.story_url(story.guild_id, story.id)
            return [
                OutboxMessage(
                    ngettext(
                        "📕 **{title}** is finished: {n} segment. Here it is as a book, every "
                        "part credited to its writer.",
                        "📕 **{title}** is finished: {n} segments. Here it is as a book, every "
                        "part credited to its writer.",
                        found.segment_count,
                        title=escape_line(story.title),
                    )
                    + ("" if has_epub(found.files) else f"\n{EPUB_MISSING}")
                    + ("\n" + _("🖼️ Read it in the gallery: <{url}>", url=page) if page else ""),
                    files=[OutboxFile(f.filename, f.data, f.content_type) for f in found.files],
                )
            ]
        return None
