"""A member's style memory as they see and edit it: consent, the profile (preferences, learned
traits, writing samples), removing single items, and the brief other features add to prompts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.db.repositories import MemberRepository
from bot.db.repositories.style import StyleRepository
from bot.errors import NotFound, UserInputError
from bot.i18n import N_, _, ngettext
from bot.services.bounds import check_length, record_id
from bot.services.text import clean_text

from .brief import build_brief
from .consent import OPTIN_TEXT, OPTOUT_TEXT
from .profile import (
    ITEM_KEY_LIMIT,
    PREFERENCE_FIELDS,
    PREFERENCE_LIMIT,
    SAMPLE_LIMIT,
    SAMPLE_MIN_CHARS,
    SAMPLE_TITLE_LIMIT,
    StyleProfile,
    trait_kind_label,
)
from .types import StyleConfig

__all__ = ["CONSENT_FIRST", "QueueLearning", "StyleMemory"]

CONSENT_FIRST = N_(
    "Style memory is off for you here. Run `/style optin` first: it explains exactly what is "
    "stored and why."
)

#: ``(guild_id, user_id, kind, text)``: hands a contribution to background learning.
QueueLearning = Callable[[int, int, str, str], Awaitable[None]]


class StyleMemory:
    def __init__(
        self,
        store: StyleRepository,
        members: MemberRepository,
        clock: Clock,
        config: StyleConfig,
        queue_learning: QueueLearning,
    ) -> None:
        self._store = store
        self._members = members
        self._clock = clock
        self._config = config
        self._queue_learning = queue_learning

    # -- consent --------------------------------------------------------------------------------

    async def optin(self, guild_id: int, user_id: int) -> str:
        await self._members.set_consent(guild_id, user_id, True, self._clock.now())
        return str(OPTIN_TEXT)

    async def optout(self, guild_id: int, user_id: int) -> str:
        member = await self._members.get(guild_id, user_id)
        if not member.consent:
            raise UserInputError(
                _("You haven't opted in here, so Muse isn't learning anything about you.")
            )
        async with self._store.atomic():
            await self._members.set_consent(guild_id, user_id, False, self._clock.now())
            await self._store.delete_member_pending(guild_id, user_id)
        return str(OPTOUT_TEXT)

    async def set_personalise(self, guild_id: int, user_id: int, enabled: bool) -> None:
        await self._require_consent(guild_id, user_id)
        await self._members.set_personalise(guild_id, user_id, enabled, self._clock.now())

    async def _require_consent(self, guild_id: int, user_id: int) -> None:
        if not (await self._members.get(guild_id, user_id)).consent:
            raise UserInputError(str(CONSENT_FIRST))

    # -- the profile ----------------------------------------------------------------------------

    async def profile(self, guild_id: int, user_id: int) -> StyleProfile:
        member = await self._members.get(guild_id, user_id)
        return StyleProfile.build(
            guild_id=guild_id,
            user_id=user_id,
            consent=member.consent,
            consent_at=member.consent_at,
            personalise=member.personalise,
            preferences=await self._store.preferences(guild_id, user_id),
            traits=await self._store.traits(guild_id, user_id),
            samples=await self._store.samples(guild_id, user_id),
            now=self._clock.now(),
            half_life_days=self._config.half_life_days,
        )

    async def personal_profile(self, guild_id: int, user_id: int) -> StyleProfile | None:
        """The profile when the member lets Muse personalise for them, else None."""
        member = await self._members.get(guild_id, user_id)
        if not (member.consent and member.personalise):
            return None
        return await self.profile(guild_id, user_id)

    async def editable_profile(self, guild_id: int, user_id: int) -> StyleProfile:
        """The profile of a member who opted in (to prefill forms); refuses everyone else."""
        profile = await self.profile(guild_id, user_id)
        if not profile.consent:
            raise UserInputError(str(CONSENT_FIRST))
        return profile

    async def set_preferences(
        self,
        guild_id: int,
        user_id: int,
        values: dict[str, str | None],
        *,
        clear_blank: bool = False,
    ) -> StyleProfile:
        """Set the given fields. ``None`` leaves a field alone; with ``clear_blank`` an empty
        value removes it (a form that was emptied)."""
        cleaned: dict[str, str] = {}
        cleared: list[str] = []
        for name, value in values.items():
            if name not in PREFERENCE_FIELDS:
                raise UserInputError(_("Unknown profile field {name}.", name=repr(name)))
            if value is None:
                continue
            label = str(PREFERENCE_FIELDS[name]).lower()
            text = clean_text(value, field=label, max_length=PREFERENCE_LIMIT, required=False)
            if text:
                cleaned[name] = text
            elif clear_blank:
                cleared.append(name)
            else:
                raise UserInputError(_("The {label} can't be empty.", label=label))
        if not cleaned and not cleared:
            raise UserInputError(
                _("Tell me at least one thing: media, genres, tone, themes or what to avoid.")
            )
        await self._require_consent(guild_id, user_id)
        async with self._store.atomic():
            if cleaned:
                await self._store.set_preferences(guild_id, user_id, cleaned, self._clock.now())
            for name in cleared:
                await self._store.delete_preference(guild_id, user_id, name)
        return await self.profile(guild_id, user_id)

    async def add_sample(self, guild_id: int, user_id: int, title: str | None, text: str) -> int:
        clean = clean_text(text, field="writing sample", max_length=SAMPLE_LIMIT, multiline=True)
        if len(clean) < SAMPLE_MIN_CHARS:
            raise UserInputError(
                ngettext(
                    "That sample is too short to learn from: give at least {n} character of "
                    "your writing.",
                    "That sample is too short to learn from: give at least {n} characters of "
                    "your writing.",
                    SAMPLE_MIN_CHARS,
                )
            )
        heading = (
            clean_text(title, field="title", max_length=SAMPLE_TITLE_LIMIT, required=False)
            or clean[:40].split("\n")[0]
        )
        await self._require_consent(guild_id, user_id)
        sample_id = await self._store.add_sample(
            guild_id,
            user_id,
            heading,
            clean,
            self._clock.now(),
            limit=self._config.max_samples,
        )
        if sample_id is None:
            raise UserInputError(
                ngettext(
                    "You already have {n} sample; remove it with `/style remove` first.",
                    "You already have {n} samples; remove one with `/style remove` first.",
                    self._config.max_samples,
                )
            )
        await self._queue_learning(guild_id, user_id, "writing_sample", clean)
        return sample_id

    async def items(self, guild_id: int, user_id: int) -> list[tuple[str, str]]:
        """``(key, label)`` of every single item a member can remove."""
        profile = await self.profile(guild_id, user_id)
        found = [
            (f"pref:{p.field}", _("{label}: {value}", label=p.label, value=p.value))
            for p in profile.preferences.values()
        ]
        found += [
            (
                f"trait:{t.id}",
                _(
                    "Trait · {kind}: {value} ({confidence})",
                    kind=trait_kind_label(t.kind),
                    value=t.value,
                    confidence=format(t.confidence, ".0%"),
                ),
            )
            for t in profile.traits
        ]
        found += [(f"sample:{s.id}", _("Sample: {title}", title=s.title)) for s in profile.samples]
        return [(key, label[:100]) for key, label in found]

    async def remove_item(self, guild_id: int, user_id: int, key: str) -> str:
        check_length(key, field="item", max_length=ITEM_KEY_LIMIT)
        kind, _sep, ident = key.partition(":")
        removed, done = False, ""
        if kind == "pref" and ident in PREFERENCE_FIELDS:
            removed = await self._store.delete_preference(guild_id, user_id, ident)
            done = _("{label} was removed from your style profile.", label=PREFERENCE_FIELDS[ident])
        elif kind == "trait" and (number := record_id(ident)) is not None:
            removed = await self._store.delete_trait(guild_id, user_id, number)
            done = _("That trait was removed from your style profile.")
        elif kind == "sample" and (number := record_id(ident)) is not None:
            removed = await self._store.delete_sample(guild_id, user_id, number)
            done = _("That sample was removed from your style profile.")
        if not removed:
            raise NotFound(
                _("I can't find that item in your style profile. Pick one from the list.")
            )
        return done

    # -- briefs (the StyleBriefs hook) -------------------------------------------------------

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        if guild_id is None:
            return None
        member = await self._members.get(guild_id, user_id)
        if not (member.consent and member.personalise):
            return None
        return build_brief(await self.profile(guild_id, user_id), self._config.brief_chars)
