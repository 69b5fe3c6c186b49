"""Curation: the admins' queue, members' suggestions and their review, previews of the next
prompt, and the writing of a new one (the model, then the curated list, never a repeat)."""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

from bot.errors import NotFound, UserInputError
from bot.i18n import _, ngettext
from bot.services.text import clean_text

from .config import PotdConfiguration
from .generation import RepeatFilter
from .limits import (
    KEEP_DRAFTS,
    MAX_PENDING_SUGGESTIONS_PER_MEMBER,
    PROMPT_LIMIT,
    TAGS_TEXT_LIMIT,
    TITLE_LIMIT,
    TWIST_LIMIT,
    TWISTS_TEXT_LIMIT,
)
from .timing import next_post_at, parse_post_time
from .types import (
    Actor,
    PotdConfigRecord,
    PotdQueueRecord,
    PotdSuggestionRecord,
    Preview,
    PromptContent,
)

__all__ = ["PotdCuration", "content_of"]

log = logging.getLogger(__name__)


def content_of(item: PotdQueueRecord) -> PromptContent:
    """A queued prompt as the content of a post."""
    return PromptContent(
        title=item.title,
        prompt=item.prompt,
        twists=item.twists,
        tags=item.tags,
        source="suggestion" if item.origin == "suggestion" else "queue",
        queue_id=item.id,
    )


class PotdCuration(PotdConfiguration):
    """What the next prompt will be."""

    @staticmethod
    def _clean_prompt_fields(
        title: str, prompt: str, twists: str | None = None, tags: str | None = None
    ) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
        clean_title = clean_text(title, field="title", max_length=TITLE_LIMIT)
        clean_prompt = clean_text(prompt, field="prompt", max_length=PROMPT_LIMIT)
        twist_list: list[str] = []
        if twists:
            raw = clean_text(twists, field="twists", max_length=TWISTS_TEXT_LIMIT)
            twist_list = [t.strip() for t in raw.split(";") if t.strip()]
            if len(twist_list) > 3:
                raise UserInputError(_("Up to three twists, separated by semicolons (;)."))
            if any(len(t) > TWIST_LIMIT for t in twist_list):
                raise UserInputError(
                    ngettext(
                        "Each twist can be at most {n} character.",
                        "Each twist can be at most {n} characters.",
                        TWIST_LIMIT,
                    )
                )
        tag_list: list[str] = []
        if tags:
            raw = clean_text(tags, field="tags", max_length=TAGS_TEXT_LIMIT)
            tag_list = [t.strip().lower() for t in raw.replace(";", ",").split(",") if t.strip()]
            if len(tag_list) > 4 or any(len(t) > 20 for t in tag_list):
                raise UserInputError(_("Up to four tags, separated by commas, 20 characters each."))
        return clean_title, clean_prompt, tuple(twist_list), tuple(tag_list)

    async def queue_add(
        self,
        guild_id: int,
        actor: Actor,
        *,
        title: str,
        prompt: str,
        twists: str | None = None,
        tags: str | None = None,
    ) -> tuple[PotdQueueRecord, str | None]:
        """Queue an admin's prompt. Also returns the past title it resembles, if any (a hint,
        not a refusal: admins may repeat on purpose)."""
        self.require_manager(actor)
        fields = self._clean_prompt_fields(title, prompt, twists, tags)
        await self._config(guild_id)
        item = await self._repo.add_queue_item(
            guild_id,
            origin="admin",
            title=fields[0],
            prompt=fields[1],
            twists=fields[2],
            tags=fields[3],
            author_id=actor.user_id,
            added_by=actor.user_id,
            now=self._now(),
        )
        history = await self._history_filter(guild_id)
        return item, history.repeats(fields[0], fields[1])

    async def queue_list(self, guild_id: int, actor: Actor) -> list[PotdQueueRecord]:
        self.require_manager(actor)
        return await self._repo.queued(guild_id)

    async def queue_remove(self, guild_id: int, actor: Actor, item_id: int) -> PotdQueueRecord:
        self.require_manager(actor)
        item = await self._repo.get_queue_item(item_id)
        if item is None or item.guild_id != guild_id or item.status != "queued":
            raise NotFound(_("There's no queued prompt #{id} here.", id=item_id))
        await self._repo.remove_queue_item(guild_id, item_id)
        return item

    async def queue_choices(self, guild_id: int, actor: Actor) -> list[PotdQueueRecord]:
        """For autocomplete: nothing for members who may not manage the queue."""
        if not actor.can_manage:
            return []
        return await self._repo.queued(guild_id, limit=25)

    async def suggest(
        self, guild_id: int, user_id: int, *, title: str, prompt: str
    ) -> PotdSuggestionRecord:
        clean_title, clean_prompt, _twists, _tags = self._clean_prompt_fields(title, prompt)
        await self._config(guild_id)
        waiting = await self._repo.count_pending_suggestions(guild_id, user_id)
        if waiting >= MAX_PENDING_SUGGESTIONS_PER_MEMBER:
            raise UserInputError(
                ngettext(
                    "You already have {n} suggestion waiting for review. Please wait until the "
                    "admins have looked at it.",
                    "You already have {n} suggestions waiting for review. Please wait until the "
                    "admins have looked at them.",
                    waiting,
                )
            )
        return await self._repo.add_suggestion(
            guild_id, user_id, clean_title, clean_prompt, now=self._now()
        )

    async def next_suggestion(self, guild_id: int, actor: Actor) -> PotdSuggestionRecord | None:
        self.require_manager(actor)
        return await self._repo.next_pending_suggestion(guild_id)

    async def pending_suggestion_count(self, guild_id: int) -> int:
        return await self._repo.count_pending_suggestions(guild_id)

    async def review(
        self, guild_id: int, actor: Actor, suggestion_id: int, *, approve: bool
    ) -> PotdSuggestionRecord:
        self.require_manager(actor)
        found = await self._repo.get_suggestion(suggestion_id)
        if found is None or found.guild_id != guild_id:
            raise NotFound(_("That suggestion no longer exists."))
        decided = await self._repo.decide_suggestion(
            suggestion_id, approve=approve, reviewer_id=actor.user_id, at=self._now()
        )
        if decided is None:
            if found.status == "approved":
                raise UserInputError(_("That suggestion was already approved."))
            if found.status == "rejected":
                raise UserInputError(_("That suggestion was already rejected."))
            raise UserInputError(_("That suggestion was already {status}.", status=found.status))
        return decided

    async def preview(self, guild_id: int, actor: Actor, *, fresh: bool = False) -> Preview:
        """The next prompt: the head of the queue, or (``fresh``, or an empty queue) a newly
        generated one stored as a draft that can be kept in the queue."""
        self.require_manager(actor)
        config = await self._config(guild_id)
        tz = ZoneInfo(config.timezone)
        upcoming = next_post_at(self._now(), parse_post_time(config.post_time), tz)
        local_day = upcoming.astimezone(tz).date()
        word = (await self._calendar(guild_id)).word_for(local_day.month, local_day.day)
        if not fresh:
            queued = await self._repo.queued(guild_id, limit=1)
            if queued:
                return Preview(content_of(queued[0]), None, word, local_day.isoformat())
        content = await self._generate(config, local_day, word, interactive=True)
        await self._repo.delete_drafts(guild_id, KEEP_DRAFTS - 1)
        draft = await self._repo.add_queue_item(
            guild_id,
            origin="preview",
            status="draft",
            title=content.title,
            prompt=content.prompt,
            twists=content.twists,
            tags=content.tags,
            added_by=actor.user_id,
            now=self._now(),
        )
        return Preview(content, draft.id, word, local_day.isoformat())

    async def keep_preview(self, guild_id: int, actor: Actor, draft_id: int) -> PotdQueueRecord:
        self.require_manager(actor)
        if not await self._repo.promote_draft(guild_id, draft_id, actor.user_id):
            raise NotFound(_("That preview is gone or was already queued."))
        item = await self._repo.get_queue_item(draft_id)
        assert item is not None
        return item

    async def _history_filter(self, guild_id: int) -> RepeatFilter:
        history = await self._repo.recent_prompts(guild_id, self.options.history_size)
        return RepeatFilter(history, self.options.similarity_threshold)

    async def _generate(
        self, config: PotdConfigRecord, day: date, word: str | None, *, interactive: bool = False
    ) -> PromptContent:
        history = await self._repo.recent_prompts(config.guild_id, self.options.history_size)
        report = await self._generator.generate(
            medium=config.medium,
            themes=config.themes,
            word=word,
            history=RepeatFilter(history, self.options.similarity_threshold),
            recent_titles=[t for t, _ in history],
            guild_id=config.guild_id,
            interactive=interactive,
        )
        if report.content.source == "fallback":
            log.info(
                "prompt of the day for %s: curated fallback after %d tries (%d repeats, %d errors)",
                config.guild_id,
                report.tries,
                len(report.rejected_repeats),
                report.errors,
            )
        return report.content
