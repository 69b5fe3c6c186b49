"""Configuration (/potd setup, pause, resume, settings) and the theme calendar."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.errors import NotFound, UserInputError
from bot.i18n import _, ngettext
from bot.services.bounds import check_length
from bot.services.text import clean_text

from .core import PotdCore
from .limits import (
    CALENDAR_TEXT_LIMIT,
    CALENDAR_WORD_LIMIT,
    POST_TIME_LIMIT,
    THEMES_LIMIT,
    TIMEZONE_LIMIT,
)
from .timing import format_post_time, next_post_at, parse_post_time, resolve_timezone
from .types import MEDIA, Actor, CalendarView, PotdConfigRecord, PotdOverview

__all__ = ["PotdConfiguration"]


class PotdConfiguration(PotdCore):
    """A server's settings, its pause, and its monthly word calendar."""

    async def configure(
        self,
        guild_id: int,
        actor: Actor,
        *,
        channel_id: int,
        post_time: str,
        timezone: str,
        medium: str,
        themes: str | None = None,
    ) -> PotdOverview:
        self.require_manager(actor)
        check_length(post_time, field="time", max_length=POST_TIME_LIMIT)
        check_length(timezone, field="timezone", max_length=TIMEZONE_LIMIT)
        parsed_time = parse_post_time(post_time)
        tz = resolve_timezone(timezone)
        if medium not in MEDIA:
            raise UserInputError(_("Pick a medium: {media}.", media=", ".join(MEDIA)))
        clean_themes = (
            clean_text(themes, field="themes", max_length=THEMES_LIMIT, required=False) or None
        )
        config = await self._repo.save_config(
            guild_id=guild_id,
            channel_id=channel_id,
            post_time=format_post_time(parsed_time),
            timezone=tz.key,
            medium=medium,
            themes=clean_themes,
            updated_by=actor.user_id,
            now=self._now(),
        )
        if self._server_medium is not None:
            # The prompt of the day's medium is the server's medium (/inspire uses it too).
            await self._server_medium.set_medium(guild_id, MEDIA[MEDIA.index(medium)])
        self._sync_job(config)
        return await self._overview(config)

    async def set_paused(self, guild_id: int, actor: Actor, paused: bool) -> PotdOverview:
        self.require_manager(actor)
        config = await self._config(guild_id)
        if config.paused == paused:
            if paused:
                raise UserInputError(_("The prompt of the day is already paused."))
            raise UserInputError(_("The prompt of the day is already running."))
        await self._repo.set_paused(guild_id, paused, actor.user_id, self._now())
        config = await self._config(guild_id)
        self._sync_job(config)
        return await self._overview(config)

    async def suspend(self, guild_id: int, *, channel_id: int | None = None) -> bool:
        """Pause the daily post because its place is gone (the prompt channel was deleted, or
        Muse left the server); an admin resumes it with /potd setup or /potd resume. With
        ``channel_id``, only when that is the prompt channel. True when it was running."""
        config = await self._repo.get_config(guild_id)
        if config is None or config.paused:
            return False
        if channel_id is not None and config.channel_id != channel_id:
            return False
        # 0: Muse itself paused it (no member did).
        await self._repo.set_paused(guild_id, True, 0, self._now())
        self._sync_job(await self._config(guild_id))
        return True

    async def overview(self, guild_id: int, actor: Actor) -> PotdOverview:
        self.require_manager(actor)
        config = await self._repo.get_config(guild_id)
        if config is None:
            return PotdOverview(guild_id=guild_id, configured=False)
        return await self._overview(config)

    async def _overview(self, config: PotdConfigRecord) -> PotdOverview:
        tz = ZoneInfo(config.timezone)
        post_time = parse_post_time(config.post_time)
        last = await self._repo.latest_post(config.guild_id)
        return PotdOverview(
            guild_id=config.guild_id,
            configured=True,
            channel_id=config.channel_id,
            post_time=post_time,
            timezone=config.timezone,
            medium=config.medium,
            themes=config.themes,
            paused=config.paused,
            next_post_at=None if config.paused else next_post_at(self._now(), post_time, tz),
            grace_hours=self.options.grace_hours,
            queued=await self._repo.count_queued(config.guild_id),
            pending_suggestions=await self._repo.count_pending_suggestions(config.guild_id),
            calendar=await self._calendar(config.guild_id),
            last_post_date=last.local_date if last else None,
            last_post_status=last.status if last else None,
            last_post_note=last.note if last else None,
        )

    async def _calendar(self, guild_id: int) -> CalendarView:
        stored = await self._repo.get_calendar(guild_id)
        return CalendarView(
            default=stored.get(0, ()), months={m: w for m, w in stored.items() if m}
        )

    @staticmethod
    def parse_calendar_words(text: str) -> list[str]:
        cleaned = clean_text(text, field="word list", max_length=CALENDAR_TEXT_LIMIT)
        parts = cleaned.split(",") if "," in cleaned else cleaned.split()
        words = [" ".join(p.split()) for p in parts if p.strip()]
        if not words:
            raise UserInputError(_("Give at least one word."))
        if len(words) > 31:
            raise UserInputError(
                ngettext(
                    "That's {n} word; a month has at most 31 days.",
                    "That's {n} words; a month has at most 31 days.",
                    len(words),
                )
            )
        too_long = [w for w in words if len(w) > CALENDAR_WORD_LIMIT]
        if too_long:
            raise UserInputError(
                _(
                    "Each word can be at most {limit} characters ({word} is longer).",
                    limit=CALENDAR_WORD_LIMIT,
                    word=repr(too_long[0][:40]),
                )
            )
        return words

    async def set_calendar(
        self, guild_id: int, actor: Actor, words_text: str, month: int | None
    ) -> CalendarView:
        self.require_manager(actor)
        if month is not None and not 1 <= month <= 12:
            raise UserInputError(_("The month must be between 1 and 12 (or left out for all)."))
        words = self.parse_calendar_words(words_text)
        await self._config(guild_id)
        await self._repo.set_calendar(guild_id, month or 0, words)
        return await self._calendar(guild_id)

    async def clear_calendar(self, guild_id: int, actor: Actor, month: int | None) -> int:
        self.require_manager(actor)
        if month is not None and not 1 <= month <= 12:
            raise UserInputError(_("The month must be between 1 and 12 (or left out for all)."))
        removed = await self._repo.clear_calendar(guild_id, month)
        if not removed:
            raise NotFound(_("There was no calendar to clear."))
        return removed
