"""A story's canon (its lorebook, the "world info" of story-writing apps): entries about its
characters, places, objects, rules and events that members add, and that Muse puts into the
AI partner's and the recap's prompts when they come up.

* **Triggers.** An entry comes up when its name or one of its trigger words appears in the
  latest passages, as a whole word in any case (:func:`triggered`).
* **Budget.** The entries that came up go into a marked member slot of the prompt, the most
  recently mentioned first (ties: the older entry first), as many as fit the budget, which grows
  with the model's context (:func:`canon_budget`, :func:`canon_slot`). Deterministic: the same
  passages and canon always give the same slot.
* **Rights.** Anyone with a seat in the story (or its starter, or a moderator) may add an
  entry; only its author, the story's starter or a moderator may change or remove it; the
  check comes before any write. The canon of an ended story is part of its book and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat

from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import _, ngettext
from bot.services.actor import Actor
from bot.services.bounds import check_length
from bot.services.markdown import escape_line
from bot.services.text import clean_display_name, clean_text

from .limits import (
    CANON_DESCRIPTION_LIMIT,
    CANON_ENTRIES_LIMIT,
    CANON_NAME_LIMIT,
    CANON_TRIGGER_LIMIT,
    CANON_TRIGGERS_LIMIT,
    CANON_TRIGGERS_OPTION_LIMIT,
)
from .lookup import StoryLookup
from .types import CANON_KINDS, CanonEntry, CanonKind, SegmentRecord, StoryRecord, seat_of

__all__ = [
    "CANON_BASE_CHARS",
    "CANON_MAX_CHARS",
    "SMALLEST_CONTEXT",
    "StoryCanon",
    "canon_budget",
    "canon_line",
    "canon_slot",
    "parse_triggers",
    "triggered",
]

#: The context (tokens) the story prompts are sized for; a larger one gives the canon more room.
SMALLEST_CONTEXT = 2048
#: The canon's room at the smallest context; the passages give up as much as it takes, so the
#: prompt's bound (``prompts.PROMPT_CHARS_LIMIT``) holds with a canon too.
CANON_BASE_CHARS = 400
#: The canon's room however large the context.
CANON_MAX_CHARS = 1600


def canon_budget(context_size: int) -> int:
    """Characters of canon a story prompt may carry with a model of ``context_size`` tokens:
    ``CANON_BASE_CHARS`` at the smallest context, half a character more per extra token, at most
    ``CANON_MAX_CHARS``."""
    extra = max(0, context_size - SMALLEST_CONTEXT) // 2
    return min(CANON_MAX_CHARS, CANON_BASE_CHARS + extra)


def parse_triggers(text: str | None) -> tuple[str, ...]:
    """Trigger words as a member typed them, comma-separated: cleaned, without repeats (in any
    case), within the count and length limits (:class:`UserInputError` otherwise)."""
    raw = clean_text(text, field="triggers", max_length=CANON_TRIGGERS_OPTION_LIMIT, required=False)
    found: list[str] = []
    for part in raw.split(","):
        word = " ".join(part.split())
        if not word or word.casefold() in (w.casefold() for w in found):
            continue
        if len(word) > CANON_TRIGGER_LIMIT:
            raise UserInputError(
                _(
                    "The trigger {word}… is {length} characters long; a trigger may have {limit}.",
                    word=repr(word[:20]),
                    length=len(word),
                    limit=CANON_TRIGGER_LIMIT,
                )
            )
        found.append(word)
    if len(found) > CANON_TRIGGERS_LIMIT:
        raise UserInputError(
            ngettext(
                "That's {n} trigger; an entry may have {limit} (separate them with commas).",
                "That's {n} triggers; an entry may have {limit} (separate them with commas).",
                len(found),
                limit=CANON_TRIGGERS_LIMIT,
            )
        )
    return tuple(found)


_WORD = re.compile(r"\w+")


def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _WORD.match(text[index]) is not None


def _last_whole(term: str, text: str) -> int:
    """The start of the last whole-word occurrence of ``term`` in ``text`` (-1: none)."""
    end = len(text)
    while term:
        at = text.rfind(term, 0, end)
        if at < 0:
            return -1
        if not _is_word_char(text, at - 1) and not _is_word_char(text, at + len(term)):
            return at
        end = at + len(term) - 1
    return -1


@lru_cache(maxsize=4096)
def _terms(name: str, triggers: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An entry's name and triggers, case-folded: the one-word ones (looked up) and the
    phrases (searched for)."""
    folded = [t.casefold() for t in (name, *triggers)]
    words = tuple(t for t in folded if _WORD.fullmatch(t))
    return words, tuple(t for t in folded if not _WORD.fullmatch(t))


def _last_mention(entry: CanonEntry, text: str, words: dict[str, int]) -> int:
    """Where the entry's name or a trigger last appears in ``text`` (already case-folded) as
    whole words, in any case, counted in words (-1: nowhere). ``words``: the number of the
    last occurrence of each word of the text, which answers a one-word term at once."""
    single, phrases = _terms(entry.name, entry.triggers)
    last = max(map(words.get, single, repeat(-1, len(single))), default=-1)
    for phrase in phrases:
        at = _last_whole(phrase, text)
        if at >= 0:  # the phrase's last word, counted like the words
            last = max(last, len(_WORD.findall(text, 0, at + len(phrase))) - 1)
    return last


def triggered(entries: Iterable[CanonEntry], text: str) -> list[CanonEntry]:
    """The entries mentioned in ``text``, the most recently mentioned first (the latest
    mention's word; ties, such as two names ending on one word, go to the older entry)."""
    folded = " ".join(text.casefold().split())  # a phrase may cross a line break
    tokens = _WORD.findall(folded)
    words = dict(zip(tokens, range(len(tokens)), strict=True))  # a later one wins: the last
    mentioned = [(_last_mention(e, folded, words), e) for e in entries]
    hits = [(position, e) for position, e in mentioned if position >= 0]
    hits.sort(key=lambda hit: (-hit[0], hit[1].id))
    return [entry for _score, entry in hits]


def canon_line(entry: CanonEntry) -> str:
    """An entry as the model reads it."""
    return f"{entry.name} ({entry.kind}): {entry.description}"


def canon_slot(
    entries: Sequence[CanonEntry], segments: Sequence[SegmentRecord], budget: int
) -> str | None:
    """The canon slot of a story prompt: the entries the latest ``segments`` mention, one a
    line, the most recent first, each that fits within ``budget`` characters in all (an entry
    too long for the room left is passed over for the next). None when none comes up."""
    text = "\n\n".join(s.text for s in segments)
    lines: list[str] = []
    used = 0
    for entry in triggered(entries, text):
        line = canon_line(entry)
        cost = len(line) + (1 if lines else 0)
        if used + cost > budget:
            continue
        lines.append(line)
        used += cost
    return "\n".join(lines) or None


class StoryCanon(StoryLookup):
    """The /story canon commands and the canon the prompts carry."""

    async def _prompt_canon(
        self, story: StoryRecord, recent: Sequence[SegmentRecord]
    ) -> str | None:
        if not recent:
            return None
        entries = await self._repo.canon(story.id)
        return canon_slot(entries, recent, canon_budget(self.context_size)) if entries else None

    async def canon_of(
        self, guild_id: int | None, story: str | None, channel_id: int | None
    ) -> tuple[StoryRecord, list[CanonEntry]]:
        record = await self.resolve(guild_id, story, channel_id)
        return record, await self._repo.canon(record.id)

    async def suggest_canon(
        self, guild_id: int | None, story: str | None, channel_id: int | None, typed: str
    ) -> list[CanonEntry]:
        """Entries for autocomplete (at most 25), those whose name contains ``typed``."""
        try:
            _story, entries = await self.canon_of(guild_id, story, channel_id)
        except UserInputError:
            return []
        wanted = typed.strip().casefold()[:CANON_NAME_LIMIT]
        return [e for e in entries if wanted in e.name.casefold()][:25]

    async def _require_contributor(self, story: StoryRecord, actor: Actor) -> None:
        """A seat in the story (not taken away by a moderator), its starter, or a moderator."""
        if story.starter_id == actor.user_id or actor.can_moderate(story.channel_id):
            return
        seat = seat_of(await self._repo.participants(story.id), actor.user_id)
        if seat is None or seat.left_reason == "kicked":
            raise NotAllowed(
                _(
                    "Only the writers of **{title}** can add to its canon: join with "
                    "`/story join` first.",
                    title=escape_line(story.title),
                )
            )

    async def _require_editor(self, story: StoryRecord, entry: CanonEntry, actor: Actor) -> None:
        """The story's starter, a moderator, or the entry's author unless a moderator took
        their seat away."""
        if story.starter_id == actor.user_id or actor.can_moderate(story.channel_id):
            return
        if entry.author_id == actor.user_id:
            seat = seat_of(await self._repo.participants(story.id), actor.user_id)
            if seat is None or seat.left_reason != "kicked":
                return
        raise NotAllowed(
            _(
                "Only the member who added **{name}**, the story's starter or a member with "
                "Manage Messages can change or remove it.",
                name=escape_line(entry.name),
            )
        )

    async def _entry(self, story: StoryRecord, name: str) -> CanonEntry:
        clean = " ".join(name.split())[: CANON_NAME_LIMIT * 2]
        entry = await self._repo.canon_by_name(story.id, clean) if clean else None
        if entry is None:
            raise NotFound(
                _(
                    "**{title}** has no canon entry called **{name}**. `/story canon list` "
                    "shows them.",
                    title=escape_line(story.title),
                    name=escape_line(clean[:CANON_NAME_LIMIT]),
                )
            )
        return entry

    async def add_canon(
        self,
        actor: Actor,
        story: str | None,
        *,
        kind: str,
        name: str,
        description: str,
        triggers: str | None = None,
    ) -> CanonEntry:
        fields = _fields(kind, name, description)  # bounds first: bad input changes nothing
        words = parse_triggers(triggers)
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        await self._require_contributor(record, actor)
        async with self._repo.transaction():
            fresh = await self._fresh(record.id, "running")
            if await self._repo.canon_count(fresh.id) >= CANON_ENTRIES_LIMIT:
                raise UserInputError(
                    ngettext(
                        "**{title}** has {n} canon entry, the most a story can have: remove it "
                        "first.",
                        "**{title}** has {n} canon entries, the most a story can have: remove "
                        "one first.",
                        CANON_ENTRIES_LIMIT,
                        title=escape_line(fresh.title),
                    )
                )
            if await self._repo.canon_by_name(fresh.id, fields[1]) is not None:
                raise UserInputError(_taken(fields[1]))
            return await self._repo.add_canon(
                fresh.id,
                kind=fields[0],
                name=fields[1],
                description=fields[2],
                triggers=words,
                author_id=actor.user_id,
                author_name=clean_display_name(actor.display_name)[:100],
                now=self._clock.now(),
            )

    async def edit_canon(
        self,
        actor: Actor,
        story: str | None,
        entry: str,
        *,
        kind: str | None = None,
        name: str | None = None,
        description: str | None = None,
        triggers: str | None = None,
    ) -> CanonEntry:
        """Change what is given of an entry (``triggers`` "" or only commas clears them)."""
        check_length(entry, field="entry", max_length=CANON_NAME_LIMIT)
        check_length(name, field="name", max_length=CANON_NAME_LIMIT)
        check_length(description, field="description", max_length=CANON_DESCRIPTION_LIMIT)
        words = None if triggers is None else parse_triggers(triggers)
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        found = await self._entry(record, entry)
        await self._require_editor(record, found, actor)
        fields = _fields(
            kind or found.kind,
            found.name if name is None else name,
            found.description if description is None else description,
        )
        words = found.triggers if words is None else words
        async with self._repo.transaction():
            await self._fresh(record.id, "running")
            same = await self._repo.canon_by_name(record.id, fields[1])
            if same is not None and same.id != found.id:
                raise UserInputError(_taken(fields[1]))
            return await self._repo.update_canon(
                found.id,
                kind=fields[0],
                name=fields[1],
                description=fields[2],
                triggers=words,
                now=self._clock.now(),
            )

    async def remove_canon(self, actor: Actor, story: str | None, entry: str) -> CanonEntry:
        check_length(entry, field="entry", max_length=CANON_NAME_LIMIT)
        record = await self.resolve(actor.guild_id, story, actor.channel_id, "running")
        found = await self._entry(record, entry)
        await self._require_editor(record, found, actor)
        async with self._repo.transaction():
            await self._fresh(record.id, "running")
            await self._repo.remove_canon(found.id)
        return found


def _kind(value: str) -> CanonKind:
    for kind in CANON_KINDS:
        if value == kind:
            return kind
    raise UserInputError(_("A canon entry is one of: {kinds}.", kinds=", ".join(CANON_KINDS)))


def _fields(kind: str, name: str, description: str) -> tuple[CanonKind, str, str]:
    """An entry's kind, name and description, checked and cleaned."""
    clean_name = clean_text(name, field="name", max_length=CANON_NAME_LIMIT)
    clean_description = clean_text(
        description, field="description", max_length=CANON_DESCRIPTION_LIMIT
    )
    return _kind(kind), clean_name, clean_description


def _taken(name: str) -> str:
    return _(
        "The canon already has an entry called **{name}**: edit it with `/story canon edit`, "
        "or pick another name.",
        name=escape_line(name),
    )
