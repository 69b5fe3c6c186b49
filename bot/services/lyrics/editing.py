"""Making and changing a draft's lines with the model: the first draft of every part, a part
drafted again, one line rewritten. Edits of one draft are serialised by a per-draft lock."""

from __future__ import annotations

import random

from bot.errors import UserInputError
from bot.i18n import _
from bot.services.bounds import record_id
from bot.services.hooks import StyleBriefs
from bot.services.locks import KeyedLocks
from bot.services.text import clean_text

from .drafting import LyricsDrafter
from .library import DraftLibrary
from .request import PartSpec, SongSpec
from .types import Draft, Progress

__all__ = ["HINT_LIMIT", "DraftEditor"]

HINT_LIMIT = 200


class DraftEditor:
    def __init__(self, drafter: LyricsDrafter, library: DraftLibrary, style: StyleBriefs) -> None:
        self.drafter = drafter
        self._library = library
        self._style = style
        self._locks = KeyedLocks()
        self._random = random.Random()

    async def draft(
        self,
        song: SongSpec,
        *,
        guild_id: int,
        channel_id: int,
        user_id: int,
        progress: Progress | None = None,
    ) -> Draft:
        """Draft every part (repeated choruses once), repair, then store the draft."""
        brief = await self._style.brief_for(guild_id, user_id)
        lines: dict[str, tuple[str, ...]] = {}
        for number, part in enumerate(song.parts, start=1):
            if progress is not None:
                await progress(
                    _(
                        "Drafting the {section} ({number}/{count})…",
                        section=part.shown_label.lower(),
                        number=number,
                        count=len(song.parts),
                    )
                )
            lines[part.key] = await self.drafter.draft_part(
                song, part, user_id=user_id, brief=brief
            )
        return await self._library.create(
            song, lines, guild_id=guild_id, channel_id=channel_id, user_id=user_id
        )

    async def regenerate_part(self, draft_id: int, user_id: int, part_key: str) -> Draft:
        async with self._locks[draft_id]:
            draft = await self._library.owned(draft_id, user_id)
            part = _part(draft, part_key)
            brief = await self._style.brief_for(draft.guild_id, user_id)
            new = await self.drafter.draft_part(
                draft.song, part, user_id=user_id, brief=brief, seed=self._random.randrange(2**31)
            )
            return await self._library.store_lines(draft, part.key, new)

    @staticmethod
    def check_line(
        draft: Draft, line_number: int | str, hint: str | None
    ) -> tuple[int, str | None]:
        """Validate a rewrite request from the modal: a line number this draft has."""
        number = record_id(str(line_number))
        if number is None:
            raise UserInputError(
                _(
                    "Give the number of the line to rewrite, from 1 to {last}.",
                    last=draft.total_lines,
                )
            )
        if not 1 <= number <= draft.total_lines:
            raise UserInputError(
                _(
                    "This draft has lines 1 to {last}; there is no line {number}.",
                    last=draft.total_lines,
                    number=number,
                )
            )
        clean_hint = clean_text(hint, field="hint", max_length=HINT_LIMIT, required=False)
        return number, clean_hint or None

    async def rewrite_line(
        self, draft_id: int, user_id: int, line_number: int | str, hint: str | None = None
    ) -> Draft:
        async with self._locks[draft_id]:
            draft = await self._library.owned(draft_id, user_id)
            number, clean_hint = self.check_line(draft, line_number, hint)
            _line, part, index = draft.numbered()[number - 1]
            brief = await self._style.brief_for(draft.guild_id, user_id)
            new = await self.drafter.rewrite_line(
                draft.song,
                part,
                draft.lines[part.key],
                index,
                hint=clean_hint,
                user_id=user_id,
                brief=brief,
            )
            return await self._library.store_lines(draft, part.key, new)


def _part(draft: Draft, part_key: str) -> PartSpec:
    try:
        return draft.song.part(part_key)
    except KeyError:
        raise UserInputError(_("That section isn't part of this draft.")) from None
