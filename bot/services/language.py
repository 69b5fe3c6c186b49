"""Which language Muse answers in, and the two settings that choose it.

The order is fixed (issue #21): the member's own choice (``/muse language``); else the language
of their Discord client when Muse speaks it; else the server's default (``/muse
server-language``); else English. Scheduled posts have no member: they use the server's default.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.db.repositories.languages import LanguageRepository
from bot.errors import NotAllowed, UserInputError
from bot.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, _, normalize_locale

from .actor import Actor

__all__ = ["LanguageService", "resolve_locale"]


def resolve_locale(member: str | None, interaction: str | None, server: str | None) -> str:
    """The first of the member's choice, the client's language and the server's default that
    Muse speaks; English when none does."""
    for candidate in (member, interaction, server):
        locale = normalize_locale(candidate)
        if locale is not None:
            return locale
    return DEFAULT_LOCALE


class LanguageService:
    def __init__(self, repo: LanguageRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def member_locale(self, user_id: int) -> str | None:
        return normalize_locale(await self._repo.member_locale(user_id))

    async def server_locale(self, guild_id: int | None) -> str:
        """The language of a server's scheduled posts: its default, else English."""
        if guild_id is None:
            return DEFAULT_LOCALE
        return normalize_locale(await self._repo.guild_locale(guild_id)) or DEFAULT_LOCALE

    async def resolve(
        self, user_id: int, guild_id: int | None, interaction_locale: str | None
    ) -> str:
        """The language of a reply to this member, in the fixed order."""
        member = await self._repo.member_locale(user_id)
        if normalize_locale(member) is not None or normalize_locale(interaction_locale):
            return resolve_locale(member, interaction_locale, None)
        server = await self._repo.guild_locale(guild_id) if guild_id is not None else None
        return resolve_locale(None, None, server)

    async def set_member_locale(self, actor: Actor, locale: str | None) -> str | None:
        """Set (or with None, forget) the member's own language."""
        chosen = _checked(locale)
        await self._repo.set_member_locale(actor.user_id, chosen, self._clock.now())
        return chosen

    async def set_server_locale(self, actor: Actor, locale: str | None) -> str | None:
        """Set (or with None, forget) the server's default. Only members who manage the server."""
        if actor.guild_id is None:
            raise UserInputError(_("The server language can only be set in a server."))
        if not actor.can_manage:
            raise NotAllowed(_("Only members who can manage the server can set its language."))
        chosen = _checked(locale)
        await self._repo.set_guild_locale(actor.guild_id, chosen, self._clock.now())
        return chosen


def _checked(locale: str | None) -> str | None:
    if locale is None:
        return None
    chosen = normalize_locale(locale)
    if chosen is None or chosen not in SUPPORTED_LOCALES:
        raise UserInputError(_("Muse doesn't speak that language yet."))
    return chosen
