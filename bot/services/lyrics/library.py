"""A member's drafts: storing them, the ownership check behind every button, saving, sharing
to /discover, listing, opening, deleting and pruning the unsaved ones."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from bot.clock import Clock
from bot.db.repositories.lyrics import LyricsRepository
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import _
from bot.services.hooks import Contributions, WorksIndex

from .codec import load_draft, spec_to_json
from .request import SongSpec
from .types import Draft, DraftSummary

__all__ = ["DraftLibrary"]


class DraftLibrary:
    def __init__(
        self,
        drafts: LyricsRepository,
        clock: Clock,
        *,
        contributions: Contributions,
        works: WorksIndex,
        max_saved: int,
        unsaved_days: int,
    ) -> None:
        self._drafts = drafts
        self._clock = clock
        self._contributions = contributions
        self._works = works
        self.max_saved = max_saved
        self.unsaved_days = unsaved_days

    async def prune_unsaved(self) -> int:
        cutoff = self._clock.now() - timedelta(days=self.unsaved_days)
        return await self._drafts.delete_unsaved_before(cutoff)

    async def create(
        self,
        song: SongSpec,
        lines: dict[str, tuple[str, ...]],
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
    ) -> Draft:
        record = await self._drafts.create(
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            title=song.topic[:80],
            spec=spec_to_json(song),
            lines=json.dumps(lines),
            now=self._clock.now(),
        )
        return await load_draft(record)

    async def owned(self, draft_id: int, user_id: int) -> Draft:
        """The draft, if it exists and belongs to ``user_id`` (for buttons on its message)."""
        record = await self._drafts.get(draft_id)
        if record is None:
            raise NotFound(
                _(
                    "I can't find that draft any more: it was deleted, or it was never saved "
                    "and unsaved drafts are kept for {days} days.",
                    days=self.unsaved_days,
                )
            )
        if record.user_id != user_id:
            raise NotAllowed(_("Only the member who drafted these lyrics can use its buttons."))
        return await load_draft(record)

    async def store_lines(self, draft: Draft, key: str, new: Sequence[str]) -> Draft:
        lines = dict(draft.lines)
        lines[key] = tuple(new)
        await self._drafts.update_lines(draft.id, json.dumps(lines), self._clock.now())
        record = await self._drafts.get(draft.id)
        if record is None:
            raise NotFound(_("That draft was deleted while I was working on it."))
        return await load_draft(record)

    async def save(self, draft_id: int, user_id: int) -> tuple[Draft, bool]:
        """Save the draft; returns (draft, whether it was newly saved)."""
        draft = await self.owned(draft_id, user_id)
        if draft.saved:
            return draft, False
        result = await self._drafts.save(
            draft_id, user_id, self._clock.now(), max_saved=self.max_saved
        )
        if result is None:
            raise UserInputError(
                _(
                    "You have {count} saved drafts, the most I keep per member. "
                    "Delete one with /lyrics drafts first.",
                    count=self.max_saved,
                )
            )
        saved = await self.owned(draft_id, user_id)
        if result:
            await self._contributions.record(draft.guild_id, user_id, "lyrics_draft", saved.text())
        return saved, result

    async def set_public(self, draft_id: int, user_id: int, public: bool) -> Draft:
        draft = await self.owned(draft_id, user_id)
        if not draft.saved:
            raise UserInputError(_("Save the draft first; only saved drafts can be shared."))
        await self._drafts.set_public(draft_id, user_id, public)
        shared = await self.owned(draft_id, user_id)
        if public:
            await self._works.index_work(
                guild_id=shared.guild_id,
                kind="lyrics",
                ref=str(draft_id),
                title=shared.title,
                text=shared.text(),
                author_id=user_id,
            )
        else:
            await self._works.remove_work(shared.guild_id, "lyrics", str(draft_id))
        return shared

    async def list_saved(self, guild_id: int, user_id: int) -> list[DraftSummary]:
        records = await self._drafts.list_saved(guild_id, user_id, limit=25)
        return [
            DraftSummary(
                r.id,
                r.title,
                r.public,
                r.updated_at,
                sum(len(v) for v in json.loads(r.lines).values()),
            )
            for r in records
        ]

    async def open(self, draft_id: int, user_id: int) -> Draft:
        """One of the member's saved drafts (someone else's is "not found")."""
        record = await self._drafts.get(draft_id)
        if record is None or record.user_id != user_id or not record.saved:
            raise NotFound(_("I can't find that draft among your saved drafts."))
        return await load_draft(record)

    async def delete(self, draft_id: int, user_id: int) -> str:
        """Delete one of the member's drafts; returns its title."""
        record = await self._drafts.get(draft_id)
        if record is None or record.user_id != user_id:
            raise NotFound(_("I can't find that draft among your drafts."))
        await self._drafts.delete(draft_id, user_id)
        await self._works.remove_work(record.guild_id, "lyrics", str(draft_id))
        return record.title

    async def public_drafts(self, guild_id: int, *, limit: int = 25) -> list[Draft]:
        """Saved drafts their authors shared (what /discover may list)."""
        return [
            await load_draft(r) for r in await self._drafts.public_drafts(guild_id, limit=limit)
        ]
