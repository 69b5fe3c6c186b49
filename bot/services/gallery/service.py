"""The gallery's commands: admins turn a server's gallery on and off, rotate its token and let
search engines in; members share or hide their works and opt in to a page of their own; every
feature asks here for the links it posts."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import N_, _
from bot.services.actor import Actor
from bot.services.text import clean_display_name, clean_text

from .pages import GalleryPages
from .types import GalleryConfig, MemberWork

if TYPE_CHECKING:
    from bot.db.repositories.gallery import GalleryRepository
    from bot.services.lyrics import LyricsService

__all__ = ["PALETTE_TITLE_LIMIT", "WORK_REF_LIMIT", "GalleryService", "new_token"]

PALETTE_TITLE_LIMIT = 80
WORK_REF_LIMIT = 40
_WORK_REF = re.compile(r"(potd|palette|lyrics):(\d{1,18})")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")

OFF_MESSAGE = N_("This server's gallery is off. An admin can turn it on with `/gallery enable`.")
NO_SERVER_MESSAGE = N_(
    "The gallery's web server isn't running: the bot's operator sets MUSE_WEB_PORT to start it."
)


def new_token() -> str:
    """An unguessable token for a gallery's URL (192 random bits)."""
    return secrets.token_urlsafe(24)


class GalleryService:
    def __init__(
        self, repo: GalleryRepository, pages: GalleryPages, lyrics: LyricsService, clock: Clock
    ) -> None:
        self._repo = repo
        self.pages = pages
        self._lyrics = lyrics
        self._clock = clock
        self._base_url: str | None = None

    # -- links -----------------------------------------------------------------------------------

    def attach_base_url(self, url: str | None) -> None:
        """The web server tells the service where it is reachable once it listens."""
        self._base_url = url.rstrip("/") if url else None

    @property
    def base_url(self) -> str | None:
        return self._base_url

    async def url_for(self, guild_id: int | None, path: str = "") -> str | None:
        """A page of the server's gallery, or None when the gallery or the web server is off."""
        if guild_id is None or self._base_url is None:
            return None
        config = await self._repo.config(guild_id)
        if config is None or not config.enabled:
            return None
        return f"{self._base_url}/g/{config.token}/{path}"

    async def story_url(self, guild_id: int, story_id: int) -> str | None:
        return await self.url_for(guild_id, f"stories/{story_id}")

    async def archive_url(self, guild_id: int | None) -> str | None:
        return await self.url_for(guild_id, "potd")

    async def link(self, actor: Actor) -> str:
        """The server's gallery link, for the member who asked."""
        guild_id = _guild(actor)
        if self._base_url is None:
            raise UserInputError(str(NO_SERVER_MESSAGE))
        url = await self.url_for(guild_id)
        if url is None:
            raise UserInputError(str(OFF_MESSAGE))
        return url

    async def resolve(self, token: str) -> GalleryConfig | None:
        """The enabled gallery a URL's token opens; None for any other token."""
        if not _TOKEN.fullmatch(token):
            return None
        config = await self._repo.by_token(token)
        if config is None or not config.enabled:
            return None
        # The lookup was by index; compare again in constant time all the same.
        return config if secrets.compare_digest(config.token, token) else None

    # -- admins ----------------------------------------------------------------------------------

    async def _admin_config(self, actor: Actor) -> tuple[int, GalleryConfig | None]:
        guild_id = _guild(actor)
        if not actor.can_manage:
            raise NotAllowed(_("You need the Manage Server permission to change the gallery."))
        return guild_id, await self._repo.config(guild_id)

    async def _save(
        self, actor: Actor, guild_id: int, *, enabled: bool, token: str, indexable: bool
    ) -> GalleryConfig:
        return await self._repo.save_config(
            guild_id,
            enabled=enabled,
            token=token,
            indexable=indexable,
            updated_by=actor.user_id,
            now=self._clock.now(),
        )

    async def enable(self, actor: Actor) -> GalleryConfig:
        guild_id, config = await self._admin_config(actor)
        token = config.token if config else new_token()
        indexable = config.indexable if config else False
        return await self._save(actor, guild_id, enabled=True, token=token, indexable=indexable)

    async def disable(self, actor: Actor) -> GalleryConfig:
        guild_id, config = await self._admin_config(actor)
        token = config.token if config else new_token()
        indexable = config.indexable if config else False
        return await self._save(actor, guild_id, enabled=False, token=token, indexable=indexable)

    async def rotate(self, actor: Actor) -> GalleryConfig:
        """A new token: every old link stops working at once."""
        guild_id, config = await self._admin_config(actor)
        enabled = config.enabled if config else False
        indexable = config.indexable if config else False
        return await self._save(
            actor, guild_id, enabled=enabled, token=new_token(), indexable=indexable
        )

    async def set_indexable(self, actor: Actor, indexable: bool) -> GalleryConfig:
        guild_id, config = await self._admin_config(actor)
        if config is None:
            raise UserInputError(_("Turn the gallery on first with `/gallery enable`."))
        return await self._save(
            actor, guild_id, enabled=config.enabled, token=config.token, indexable=indexable
        )

    async def config(self, guild_id: int) -> GalleryConfig | None:
        return await self._repo.config(guild_id)

    # -- members ---------------------------------------------------------------------------------

    async def set_profile(self, actor: Actor, visible: bool) -> bool:
        """Opt in to (or out of) a member page; returns whether anything changed."""
        guild_id = _guild(actor)
        if not visible:
            return await self._repo.remove_member(guild_id, actor.user_id)
        name = clean_display_name(actor.display_name)
        await self._repo.set_member(guild_id, actor.user_id, name, self._clock.now())
        return True

    async def works(self, actor: Actor, typed: str = "") -> list[MemberWork]:
        """The member's own works, for /gallery share's autocomplete."""
        if actor.guild_id is None:
            return []
        found = await self._repo.works_of(actor.guild_id, actor.user_id, limit=100)
        wanted = typed.strip().casefold()[:100]
        return [w for w in found if wanted in w.label.casefold()][:25]

    async def share(self, actor: Actor, work: str, shared: bool) -> MemberWork:
        """Share one of the member's works in the gallery, or make it private again."""
        guild_id = _guild(actor)
        reference = clean_text(work, field="work", max_length=WORK_REF_LIMIT).strip()
        match = _WORK_REF.fullmatch(reference)
        if match is None:
            raise UserInputError(_("Pick one of your works from the list that the option offers."))
        kind, number = match.group(1), int(match.group(2))
        changed = False
        if kind == "potd":
            changed = await self._repo.set_submission_shared(
                guild_id, actor.user_id, number, shared
            )
        elif kind == "palette":
            changed = await self._repo.set_palette_shared(guild_id, actor.user_id, number, shared)
        else:
            draft = await self._lyrics.owned(number, actor.user_id)
            if draft.guild_id == guild_id:
                await self._lyrics.set_public(number, actor.user_id, shared)
                changed = True
        if not changed:
            raise NotFound(_("I can't find that work among yours in this server."))
        mine = await self._repo.works_of(guild_id, actor.user_id, limit=500)
        return next(w for w in mine if w.value == f"{kind}:{number}")

    async def save_palette(
        self, guild_id: int, user_id: int, title: str, colours: Sequence[str]
    ) -> int:
        """Keep an /inspire palette in the gallery (saving it is sharing it)."""
        name = clean_text(
            title[:PALETTE_TITLE_LIMIT],
            field="title",
            max_length=PALETTE_TITLE_LIMIT,
            required=False,
        )
        picked = [c.upper() for c in colours if _HEX.fullmatch(c)]
        if not picked:
            raise UserInputError(_("That palette has no colours to save."))
        now = self._clock.now()
        return await self._repo.add_palette(guild_id, user_id, name or "Palette", picked, now)


def _guild(actor: Actor) -> int:
    if actor.guild_id is None:
        raise UserInputError(_("The gallery belongs to a server: use this command in one."))
    return actor.guild_id
