"""The publishing pipeline: what a committed change records in the outbox (the new segments,
notices, the next writer's ping, the book) and what follows it in the background (the AI
partner's turn, folding new segments into the running summary, indexing a finished story);
how an outbox item reads when it is posted (:meth:`StoryPipeline.publication`, with the recap
made then); and recovery at start-up.

* Everything a change publishes is recorded in the outbox in the same transaction as the change
  itself; the outbox worker posts it, in order per thread, retrying until Discord confirms it.
* When the AI partner's turn comes it writes at once, in a background task.
* At start-up :meth:`StoryPipeline.recover` re-arms every running story's deadline and restarts
  the AI's turn; the outbox worker resumes whatever was not yet posted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from bot.errors import GenerationCancelled, MuseError
from models import GenerationOptions, Priority

from . import prompts
from .book import AI_NAME, render_book
from .canon import StoryCanon
from .core import outbox_item
from .limits import SEGMENT_LIMIT
from .ports import BookFile, Notice, NoticeKind
from .turns import Advance, StoryTurns, TurnEvent
from .types import (
    AI_PARTNER_ID,
    ParticipantRecord,
    Publication,
    Recap,
    SegmentRecord,
    StoryRecord,
    seat_of,
)

__all__ = ["RECENT_SEGMENTS", "SUMMARY_BATCH", "StoryPipeline"]

log = logging.getLogger(__name__)

RECENT_SEGMENTS = 6
SUMMARY_BATCH = 8


class StoryPipeline(StoryTurns, StoryCanon):
    """Publishing what changes record, the model's passages, recaps and summaries, the book."""

    async def _record(self, story: StoryRecord, event: TurnEvent, *, ping: bool = True) -> None:
        """Record in the outbox what a change publishes, inside the change's transaction:
        the new segments, the notices, then the book (the story ended) or the next writer's
        ping. ``story`` is the story as the change left it."""
        for segment in event.segments:
            await self._outbox.add(
                **outbox_item(story, "segment", {"segment_id": segment.id}, f"segment:{segment.id}")
            )
            await self._repo.mark_posted(segment.id)  # handed to the outbox
        for notice in event.notices:
            payload = {"notice": notice.kind.value, "name": notice.name, "count": notice.count}
            await self._outbox.add(**outbox_item(story, "notice", payload, None))
        if event.ended or story.status == "ended":
            if event.ended:
                await self._outbox.add(**outbox_item(story, "book", {}, "book"))
            return
        if not ping or story.status != "open":
            return
        if story.current_user_id in (None, AI_PARTNER_ID):
            return
        if await self._repo.claim_ping(story.id, story.turn_seq):
            payload = {"turn_seq": story.turn_seq, "user_id": story.current_user_id}
            await self._outbox.add(**outbox_item(story, "turn", payload, f"turn:{story.turn_seq}"))

    def _after_change(self, advance: Advance, event: TurnEvent) -> None:
        """After a committed change of turn: arm its deadline, let the outbox post what the
        change recorded, let the AI write, and fold new segments into the summary."""
        story = advance.story
        if story.status == "ended":
            self._disarm(story.id)
        else:
            self._arm(story)
        self._outbox.wake()
        if story.status == "open" and story.current_user_id == AI_PARTNER_ID:
            self._tasks.spawn(self._ai_turn(story.id, story.turn_seq), f"story-{story.id}-ai")
        if event.ended:
            self._tasks.spawn(self._index_finished(story.id), f"story-{story.id}-index")
        elif event.segments and not story.human_only:  # the summary feeds only the model
            self._tasks.spawn(self._refresh_summary(story.id), f"story-{story.id}-summary")

    async def _ai_turn(self, story_id: int, turn_seq: int) -> None:
        story = await self._repo.get(story_id)
        if story is None or story.turn_seq != turn_seq or story.current_user_id != AI_PARTNER_ID:
            return
        text = await self._generate(story, for_member=None)
        now = self._clock.now()
        async with self._repo.transaction():
            fresh = await self._repo.get(story_id)
            if (
                fresh is None
                or fresh.status != "open"
                or fresh.turn_seq != turn_seq
                or fresh.current_user_id != AI_PARTNER_ID
            ):
                return  # skipped, paused or ended while the model wrote
            segments: list[SegmentRecord] = []
            notices: list[Notice] = []
            if text:
                segments.append(
                    await self._repo.add_segment(
                        story_id,
                        round_=fresh.round,
                        kind="ai",
                        author_id=None,
                        author_name=AI_NAME,
                        stand_in_for=None,
                        text=text,
                        now=now,
                    )
                )
            else:
                notices.append(Notice(NoticeKind.AI_FAILED))
            advance = await self._advance(fresh, now)
            event = TurnEvent(segments, notices + advance.notices, advance.ended)
            await self._record(advance.story, event)
        self._after_change(advance, event)

    async def _generate(
        self, story: StoryRecord, *, for_member: ParticipantRecord | None
    ) -> str | None:
        """A passage by the model: the AI partner's own turn, or a stand-in for ``for_member``
        (in that member's style when style memory has a brief for them). None on failure, and
        always for a human-only story."""
        if story.human_only:
            return None
        recent = await self._repo.last_segments(story.id, RECENT_SEGMENTS)
        words = min(story.word_limit, 150)
        brief = None
        if for_member is not None:
            brief = await self._briefs.brief_for(story.guild_id, for_member.user_id)
        canon = await self._prompt_canon(story, recent)
        messages = prompts.segment_messages(
            story, recent, words=words, style_brief=brief, canon=canon
        )
        options = GenerationOptions(
            max_tokens=min(prompts.PASSAGE_MAX_TOKENS, words * 2 + 20),
            temperature=self._temperature,
            repeat_penalty=1.3,
        )
        try:
            raw = await self._engine.complete(messages, options, priority=Priority.INTERACTIVE)
        except GenerationCancelled:
            # Shutting down: the turn is not lost. The deadline job and the AI's turn are
            # rebuilt at the next start-up.
            raise
        except Exception:
            log.warning("story %s: the model could not write a passage", story.id, exc_info=True)
            return None
        text = prompts.clip_words(prompts.tidy(raw, SEGMENT_LIMIT), words)
        return text or None

    async def publication(self, kind: str, payload: dict[str, Any]) -> Publication | None:
        """What an outbox item of a story says now, for the Discord side to render. None when
        there is nothing left to say: the story is gone, a reminder's turn is over."""
        story = await self._repo.get(int(payload["story_id"]))
        if story is None:
            return None
        name = kind.removeprefix("story.")
        if name == "intro":
            return Publication(name, story, seats=await self._repo.participants(story.id))
        if name == "segment":
            segment = await self._repo.segment_by_id(int(payload["segment_id"]))
            if segment is None or segment.story_id != story.id:
                return None
            return Publication(name, story, segment=segment)
        if name == "notice":
            notice = Notice(
                NoticeKind(payload["notice"]), str(payload["name"]), int(payload["count"])
            )
            return Publication(name, story, notice=notice)
        if name in ("turn", "reminder"):
            if story.status == "ended":
                return None
            if name == "reminder" and story.turn_seq != int(payload["turn_seq"]):
                return None  # the turn it was about is over
            writer = seat_of(await self._repo.participants(story.id), int(payload["user_id"]))
            if writer is None:
                return None
            if name == "reminder":
                return Publication(name, story, writer=writer, level=int(payload["level"]))
            return Publication(name, story, writer=writer, recap=await self.recap(story))
        if name == "book":
            # One read of the finished story serves the book and its count.
            segments = await self._repo.segments(story.id)
            files = await self._book(story, segments)
            return Publication(name, story, segment_count=len(segments), files=files)
        raise ValueError(f"unknown story publication {kind!r}")

    async def recap(self, story: StoryRecord) -> Recap | None:
        """A short "previously…" for the next writer, from the running summary and the latest
        passages (a prompt of bounded size however long the story). None before the first
        segment; an excerpt of the last passage when the model can't help, and always in a
        human-only story (the model writes nothing there)."""
        recent = await self._repo.last_segments(story.id, RECENT_SEGMENTS)
        if not recent:
            return None
        raw = ""
        if not story.human_only:
            canon = await self._prompt_canon(story, recent)
            messages = prompts.recap_messages(story, recent, canon=canon)
            options = GenerationOptions(max_tokens=120, temperature=0.5, repeat_penalty=1.3)
            try:
                raw = await self._engine.complete(messages, options, priority=Priority.INTERACTIVE)
            except MuseError:
                raw = ""
            except Exception:
                log.warning("story %s: recap failed", story.id, exc_info=True)
                raw = ""
        text = prompts.tidy(raw, prompts.RECAP_CHARS)
        if text:
            return Recap(text, ai_written=True)
        excerpt = "…" + prompts.tidy(recent[-1].text[-300:], prompts.RECAP_CHARS)
        return Recap(excerpt, ai_written=recent[-1].ai_written)

    async def _refresh_summary(self, story_id: int) -> None:
        """Fold the segments not yet in the running summary into it (background priority)."""
        async with self._summary_locks[story_id]:
            story = await self._repo.get(story_id)
            if story is None:
                return
            new = await self._repo.segments(
                story_id, after_seq=story.summary_through, limit=SUMMARY_BATCH
            )
            if not new:
                return
            messages = prompts.summary_messages(story, new)
            options = GenerationOptions(max_tokens=220, temperature=0.3, repeat_penalty=1.3)
            try:
                raw = await self._engine.complete(messages, options, priority=Priority.BACKGROUND)
            except Exception:
                log.info("story %s: summary update failed; will retry next turn", story_id)
                return
            summary = prompts.tidy(raw, prompts.SUMMARY_CHARS)
            if summary:
                await self._repo.update_summary(story_id, summary, new[-1].seq)

    async def _index_finished(self, story_id: int) -> None:
        """A finished story becomes a community work members can /discover."""
        story = await self._repo.get(story_id)
        if story is None:
            return
        segments = await self._repo.segments(story_id)
        text = "\n\n".join(s.text for s in segments)
        await self._works.index_work(
            guild_id=story.guild_id,
            kind="story",
            ref=str(story.id),
            title=story.title,
            text=f"{story.genre}\n\n{text}"[:20_000],
            author_id=None,
            url=f"https://discord.com/channels/{story.guild_id}/{story.thread_id}",
            human_only=story.human_only,
        )

    async def _book(self, story: StoryRecord, segments: list[SegmentRecord]) -> list[BookFile]:
        return await render_book(story, segments, await self._repo.canon(story.id))

    async def recover(self, owns_guild: Callable[[int], bool]) -> int:
        """Rebuild deadlines from the database and restart the AI's interrupted turns, for the
        stories of the servers this process runs (the outbox worker posts whatever was left
        unposted). Returns how many stories were re-armed."""
        armed = 0
        for story in await self._repo.running():
            if not owns_guild(story.guild_id):
                continue
            if story.status == "open":
                self._arm(story)
                armed += story.current_user_id is not None
            if story.status == "open" and story.current_user_id == AI_PARTNER_ID:
                self._tasks.spawn(self._ai_turn(story.id, story.turn_seq), f"story-{story.id}-ai")
        return armed
