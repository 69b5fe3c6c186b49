"""/gallery: the server's link (privately), the admins' switches and the members' consent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_io import MuseInteraction, actor_of, reply_private
from bot.i18n import _
from bot.services.gallery.service import WORK_REF_LIMIT
from bot.services.markdown import escape_line

from . import texts

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["GalleryCog"]


class GalleryCog(commands.Cog):
    gallery = app_commands.Group(
        name="gallery",
        description="The community's works on the web, shared by consent",
        guild_only=True,
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot

    def _web_note(self) -> str:
        return "" if self.bot.services.gallery.base_url else str(texts.WEB_OFF_NOTE)

    @gallery.command(name="link")
    async def link(self, interaction: MuseInteraction) -> None:
        """Get this server's gallery link (only you see it)."""
        url = await self.bot.services.gallery.link(actor_of(interaction))
        await reply_private(interaction, texts.LINK.format(url=url))

    @gallery.command(name="enable")
    async def enable(self, interaction: MuseInteraction) -> None:
        """Admins: turn this server's gallery on."""
        await self.bot.services.gallery.enable(actor_of(interaction))
        await reply_private(interaction, str(texts.ENABLED) + self._web_note())

    @gallery.command(name="disable")
    async def disable(self, interaction: MuseInteraction) -> None:
        """Admins: turn this server's gallery off (its pages answer "not found")."""
        await self.bot.services.gallery.disable(actor_of(interaction))
        await reply_private(interaction, str(texts.DISABLED))

    @gallery.command(name="rotate")
    async def rotate(self, interaction: MuseInteraction) -> None:
        """Admins: give the gallery a new link; every old link stops working."""
        await self.bot.services.gallery.rotate(actor_of(interaction))
        await reply_private(interaction, str(texts.ROTATED))

    @gallery.command(name="public")
    @app_commands.describe(indexable="Let search engines index the pages (default: they don't)")
    async def public(self, interaction: MuseInteraction, indexable: bool) -> None:
        """Admins: let search engines index the gallery, or ask them not to."""
        await self.bot.services.gallery.set_indexable(actor_of(interaction), indexable)
        await reply_private(
            interaction, str(texts.INDEXABLE_ON if indexable else texts.INDEXABLE_OFF)
        )

    @gallery.command(name="profile")
    @app_commands.describe(show="Have a page of your own that lists the works you share")
    async def profile(self, interaction: MuseInteraction, show: bool) -> None:
        """Have a member page in the gallery (your shared works under your name), or not."""
        changed = await self.bot.services.gallery.set_profile(actor_of(interaction), show)
        if show:
            await reply_private(interaction, str(texts.PROFILE_ON))
        else:
            await reply_private(
                interaction, str(texts.PROFILE_OFF if changed else texts.PROFILE_UNCHANGED)
            )

    @gallery.command(name="share")
    @app_commands.describe(
        work="One of your prompt submissions, palettes or saved lyrics",
        shared="Show it in the gallery (true) or make it private (false)",
    )
    async def share(
        self,
        interaction: MuseInteraction,
        work: app_commands.Range[str, 1, WORK_REF_LIMIT],
        shared: bool,
    ) -> None:
        """Share one of your works in the gallery, or make it private again."""
        result = await self.bot.services.gallery.share(actor_of(interaction), work, shared)
        template = texts.SHARED if result.shared else texts.UNSHARED
        await reply_private(interaction, template.format(label=escape_line(result.label[:100])))

    @share.autocomplete("work")
    async def _work_autocomplete(
        self, interaction: MuseInteraction, current: str
    ) -> list[app_commands.Choice[str]]:
        works = await self.bot.services.gallery.works(actor_of(interaction), current)
        kinds = {"potd": _("Prompt"), "palette": _("Palette"), "lyrics": _("Lyrics")}
        shared = " " + _("(shared)")
        return [
            app_commands.Choice(
                name=f"{kinds[w.kind]}: {w.label}"[:90] + (shared if w.shared else ""),
                value=w.value,
            )
            for w in works
        ]
