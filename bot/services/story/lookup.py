"""Finding stories: the one a member means (by id, title or thread), autocomplete, the
list, a story's status and its pages."""

from __future__ import annotations

from bot.errors import NotFound, UserInputError
from bot.i18n import _
from bot.services.bounds import check_length, record_id
from bot.services.markdown import escape_line

from .book import AI_NAME
from .core import StoryCore
from .limits import PAGE_CHARS, STORY_REF_LIMIT
from .types import ParticipantRecord, Scope, StoryPage, StoryRecord, StoryStatus

__all__ = ["SCOPES", "StoryLookup", "shown_name"]

#: The statuses each :data:`~.types.Scope` admits.
SCOPES: dict[str, tuple[str, ...]] = {
    "running": ("open", "paused"),
    "open": ("open",),
    "ended": ("ended",),
    "any": ("open", "paused", "ended"),
}


def shown_name(seat: ParticipantRecord | None) -> str:
    """A seat's writer as the service's messages name them."""
    if seat is None:
        return "nobody"
    return f"{AI_NAME} (AI partner)" if seat.is_ai else seat.display_name


class StoryLookup(StoryCore):
    """Reading stories: nothing here changes one."""

    async def resolve(
        self, guild_id: int | None, story: str | None, channel_id: int | None, scope: Scope = "any"
    ) -> StoryRecord:
        """The story a member means: the option's value (an id from autocomplete, or a title),
        or else the story whose thread the command was used in."""
        if guild_id is None:
            raise UserInputError(_("Story chains live in servers: use this command in a server."))
        found: StoryRecord | None = None
        check_length(story, field="story", max_length=STORY_REF_LIMIT)
        if story and story.strip():
            value = story.strip()
            wanted = record_id(value)
            if wanted is not None:
                found = await self._repo.get(wanted)
                if found is not None and found.guild_id != guild_id:
                    found = None
            if found is None:
                matches = await self._repo.find_by_title(guild_id, value)
                found = matches[0] if matches else None
            if found is None:
                raise NotFound(
                    _(
                        "I can't find a story called {name} here. `/story list` shows them.",
                        name=repr(value[:80]),
                    )
                )
        elif channel_id is not None:
            found = await self._repo.by_thread(channel_id)
            if found is None or found.guild_id != guild_id:
                raise UserInputError(
                    _(
                        "Which story? Pick one in the `story` option, or use the command in the "
                        "story's thread."
                    )
                )
        else:
            raise UserInputError(_("Which story? Pick one in the `story` option."))
        if found.status not in SCOPES[scope]:
            if found.status == "ended":
                raise UserInputError(
                    _(
                        "**{title}** has ended. `/story export` gets the book.",
                        title=escape_line(found.title),
                    )
                )
            if found.status == "paused":
                raise UserInputError(
                    _("**{title}** is paused right now.", title=escape_line(found.title))
                )
            raise UserInputError(_("**{title}** hasn't ended yet.", title=escape_line(found.title)))
        return found

    async def suggest(self, guild_id: int | None, typed: str, scope: Scope) -> list[StoryRecord]:
        """Stories for autocomplete (at most 25)."""
        if guild_id is None:
            return []
        return await self._repo.list_for_guild(
            guild_id, SCOPES[scope], limit=25, search=typed.strip()[:100]
        )

    async def list_stories(self, guild_id: int | None) -> list[StoryStatus]:
        if guild_id is None:
            raise UserInputError(_("Story chains live in servers: use this command in a server."))
        stories = await self._repo.list_for_guild(guild_id, SCOPES["any"], limit=15)
        return [await self._status_of(s) for s in stories]

    async def status(
        self, guild_id: int | None, story: str | None, channel_id: int | None
    ) -> StoryStatus:
        return await self._status_of(await self.resolve(guild_id, story, channel_id))

    async def _status_of(self, story: StoryRecord) -> StoryStatus:
        return StoryStatus(
            story,
            await self._repo.participants(story.id),
            await self._repo.segment_count(story.id),
        )

    async def page(
        self, guild_id: int | None, story: str | None, channel_id: int | None, page: int = 0
    ) -> StoryPage:
        record = await self.resolve(guild_id, story, channel_id)
        return await self.page_by_id(record.id, page, guild_id=guild_id)

    async def page_by_id(self, story_id: int, page: int, *, guild_id: int | None) -> StoryPage:
        """One page of the story's text: segments packed into pages of ``PAGE_CHARS``, with the
        story's canon."""
        story = await self._repo.get(story_id)
        if story is None or story.guild_id != guild_id:
            raise NotFound(_("That story no longer exists."))
        bounds: list[tuple[int, int]] = []  # (first seq, last seq) of each page
        used = 0
        for seq, length in await self._repo.segment_lengths(story_id):
            size = min(length + 40, PAGE_CHARS)
            if bounds and used + size <= PAGE_CHARS:
                bounds[-1] = (bounds[-1][0], seq)
                used += size
            else:
                bounds.append((seq, seq))
                used = size
        canon = await self._repo.canon(story_id)
        if not bounds:
            return StoryPage(story, [], 0, 1, canon)
        index = max(0, min(page, len(bounds) - 1))
        first, last = bounds[index]
        segments = await self._repo.segments(story_id, after_seq=first - 1, limit=last - first + 1)
        return StoryPage(story, segments, index, len(bounds), canon)

    async def running_in(
        self, guild_id: int, *, channel_id: int | None = None, thread_id: int | None = None
    ) -> list[StoryRecord]:
        """A server's stories not yet ended, optionally only those in one channel or thread."""
        stories = await self._repo.list_for_guild(guild_id, ("open", "paused"), limit=10_000)
        return [
            s
            for s in stories
            if (channel_id is None or s.channel_id == channel_id)
            and (thread_id is None or s.thread_id == thread_id)
        ]

    async def _fresh(self, story_id: int, scope: Scope) -> StoryRecord:
        story = await self._repo.get(story_id)
        if story is None:
            raise NotFound(_("That story no longer exists."))
        if story.status not in SCOPES[scope]:
            title = escape_line(story.title)
            if story.status == "open":
                raise UserInputError(_("**{title}** is open now.", title=title))
            if story.status == "paused":
                raise UserInputError(_("**{title}** is paused now.", title=title))
            if story.status == "ended":
                raise UserInputError(_("**{title}** is ended now.", title=title))
            raise UserInputError(
                _("**{title}** is {status} now.", title=title, status=story.status)
            )
        return story
