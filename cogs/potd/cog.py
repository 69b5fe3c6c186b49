"""/potd: the prompt of the day's commands, and its scheduled jobs' entry points."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_io import CONTENT_LIMIT, NO_PINGS, defer_thinking
from bot.i18n import _, pgettext
from bot.scheduling.potd import ApsJobRegistry
from bot.services.potd import AttachmentInfo, PostOutcome, PotdService
from bot.services.potd.limits import (
    CALENDAR_TEXT_LIMIT,
    POST_KIND,
    POST_TIME_LIMIT,
    PROMPT_LIMIT,
    SUBMISSION_KIND,
    SUBMISSION_TEXT_LIMIT,
    TAGS_TEXT_LIMIT,
    THEMES_LIMIT,
    TIMEZONE_LIMIT,
    TITLE_LIMIT,
    TWISTS_TEXT_LIMIT,
)
from bot.services.potd.timing import timezone_choices

from . import render
from .publisher import DiscordPotdPublisher, SubmissionRenderer
from .views import actor_of, history_message, preview_message, review_message

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["PotdCog"]

log = logging.getLogger(__name__)

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


class PotdCog(commands.Cog):
    potd = app_commands.Group(
        name="potd", description="Prompt of the day: a daily creative prompt", guild_only=True
    )
    queue = app_commands.Group(
        name="queue", description="Prompts used before any generated one", parent=potd
    )
    calendar = app_commands.Group(
        name="calendar", description="A word per day of the month, like Inktober", parent=potd
    )

    def __init__(self, bot: MuseBot) -> None:
        self.bot = bot
        self.publisher = DiscordPotdPublisher(bot)
        self.jobs = ApsJobRegistry(
            bot.scheduler,
            self.run_scheduled,
            misfire_grace_seconds=int(bot.settings.potd_grace_hours * 3600),
        )
        self.catch_up_task: asyncio.Task[list[PostOutcome]] | None = None

    @property
    def service(self) -> PotdService:
        return self.bot.services.potd

    # -- scheduling ------------------------------------------------------------------------------

    async def cog_load(self) -> None:
        self.service.bind(self.jobs)
        renderer = SubmissionRenderer(self.bot)
        self.bot.outbox_transport.register(SUBMISSION_KIND, renderer.render, renderer.delivered)
        publisher = self.publisher
        self.bot.outbox_transport.register(
            POST_KIND, publisher.render, publisher.delivered, publisher.failed
        )
        count = await self.service.rebuild_jobs()
        self.jobs.start_sweep(self.sweep, self.service.options.sweep_minutes)
        log.info("prompt of the day: %d server(s) scheduled", count)
        self.catch_up_task = asyncio.create_task(self._catch_up(), name="potd-catch-up")

    async def cog_unload(self) -> None:
        if self.catch_up_task is not None and not self.catch_up_task.done():
            self.catch_up_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.catch_up_task
        self.bot.outbox_transport.unregister(SUBMISSION_KIND)
        self.bot.outbox_transport.unregister(POST_KIND)
        self.service.unbind()

    async def _catch_up(self) -> list[PostOutcome]:
        """At start-up: a post missed while the bot was down is made now if still within the
        grace window, and a post interrupted by a crash is reconciled."""
        await self.bot.wait_until_ready()
        try:
            return await self.sweep()
        except Exception:
            log.exception("prompt of the day: start-up catch-up failed")
            return []

    async def sweep(self) -> list[PostOutcome]:
        return await self.service.sweep(self.bot.owns_guild)

    async def run_scheduled(self, guild_id: int) -> PostOutcome | None:
        """The cron job of one server. Runs only in the process that owns the guild's shard."""
        if not self.bot.owns_guild(guild_id):
            return None
        try:
            return await self.service.post_if_due(guild_id)
        except Exception:
            log.exception("prompt of the day for %s failed", guild_id)
            return None

    # -- configuration ---------------------------------------------------------------------------

    @potd.command(name="setup")
    @app_commands.describe(
        channel="Where the prompt is posted",
        time="Local posting time, 24-hour HH:MM (e.g. 09:00)",
        timezone="IANA timezone, e.g. Europe/Berlin or America/New_York",
        medium="What your community makes",
        themes=f"Optional themes to steer the prompts (up to {THEMES_LIMIT} characters)",
    )
    @app_commands.choices(medium=render.MEDIUM_CHOICES)
    async def setup_(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: app_commands.Range[str, 1, POST_TIME_LIMIT],
        timezone: app_commands.Range[str, 1, TIMEZONE_LIMIT],
        medium: app_commands.Choice[str],
        themes: app_commands.Range[str, 1, THEMES_LIMIT] | None = None,
    ) -> None:
        """Set up (or change) the prompt of the day: channel, time, timezone, medium, themes."""
        overview = await self.service.configure(
            interaction.guild_id or 0,
            actor_of(interaction),
            channel_id=channel.id,
            post_time=time,
            timezone=timezone,
            medium=medium.value,
            themes=themes,
        )
        await interaction.response.send_message(
            _("✅ The prompt of the day is set up."),
            embed=render.overview_embed(overview),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @setup_.autocomplete("timezone")
    async def _timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in timezone_choices(current)]

    @potd.command(name="pause")
    async def pause(self, interaction: discord.Interaction) -> None:
        """Pause the daily prompt (nothing is posted until you resume)."""
        await self.service.set_paused(interaction.guild_id or 0, actor_of(interaction), True)
        await interaction.response.send_message(
            _("⏸️ The prompt of the day is paused. `/potd resume` starts it again."),
            ephemeral=True,
        )

    @potd.command(name="resume")
    async def resume(self, interaction: discord.Interaction) -> None:
        """Resume the daily prompt after a pause."""
        overview = await self.service.set_paused(
            interaction.guild_id or 0, actor_of(interaction), False
        )
        await interaction.response.send_message(
            _("▶️ The prompt of the day is running again."),
            embed=render.overview_embed(overview),
            ephemeral=True,
        )

    @potd.command(name="settings")
    async def settings(self, interaction: discord.Interaction) -> None:
        """Show every prompt-of-the-day setting for this server."""
        overview = await self.service.overview(interaction.guild_id or 0, actor_of(interaction))
        await interaction.response.send_message(
            embed=render.overview_embed(overview), ephemeral=True
        )

    @calendar.command(name="set")
    @app_commands.describe(
        words="Up to 31 words, one per day, separated by commas (or spaces)",
        month="Only for this month (default: every month without its own list)",
    )
    @app_commands.choices(month=render.MONTHS)
    async def calendar_set(
        self,
        interaction: discord.Interaction,
        words: app_commands.Range[str, 1, CALENDAR_TEXT_LIMIT],
        month: app_commands.Choice[int] | None = None,
    ) -> None:
        """Set the monthly theme calendar: one word per day of the month."""
        calendar = await self.service.set_calendar(
            interaction.guild_id or 0,
            actor_of(interaction),
            words,
            month.value if month else None,
        )
        scope = pgettext("choice", month.name) if month else _("every month")
        text = render.calendar_text(calendar, month.value if month else None, scope)
        await interaction.response.send_message(text[:CONTENT_LIMIT], ephemeral=True)

    @calendar.command(name="clear")
    @app_commands.describe(month="Only this month's list (default: every list)")
    @app_commands.choices(month=render.MONTHS)
    async def calendar_clear(
        self, interaction: discord.Interaction, month: app_commands.Choice[int] | None = None
    ) -> None:
        """Remove the theme calendar (or one month's list)."""
        await self.service.clear_calendar(
            interaction.guild_id or 0, actor_of(interaction), month.value if month else None
        )
        await interaction.response.send_message(_("📅 Calendar cleared."), ephemeral=True)

    # -- curation --------------------------------------------------------------------------------

    @potd.command(name="preview")
    async def preview(self, interaction: discord.Interaction) -> None:
        """Preview the next prompt privately; generate others until you like one."""
        actor = actor_of(interaction)
        self.service.require_manager(actor)  # a private refusal, before any thinking
        await defer_thinking(interaction, ephemeral=True)
        result = await self.service.preview(interaction.guild_id or 0, actor)
        embed, view = preview_message(result)
        await interaction.followup.send(embed=embed, view=view, ephemeral=True)

    @queue.command(name="add")
    @app_commands.describe(
        title=f"A short title (up to {TITLE_LIMIT} characters)",
        prompt=f"The prompt itself (up to {PROMPT_LIMIT} characters)",
        twists="Optional twists or constraints, separated by semicolons (up to three)",
        tags="Optional tags, separated by commas (up to four)",
    )
    async def queue_add(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, TITLE_LIMIT],
        prompt: app_commands.Range[str, 1, PROMPT_LIMIT],
        twists: app_commands.Range[str, 1, TWISTS_TEXT_LIMIT] | None = None,
        tags: app_commands.Range[str, 1, TAGS_TEXT_LIMIT] | None = None,
    ) -> None:
        """Queue a prompt you wrote; queued prompts are used before generated ones."""
        item, resembles = await self.service.queue_add(
            interaction.guild_id or 0,
            actor_of(interaction),
            title=title,
            prompt=prompt,
            twists=twists,
            tags=tags,
        )
        await interaction.response.send_message(render.queued_text(item, resembles), ephemeral=True)

    @queue.command(name="list")
    async def queue_list(self, interaction: discord.Interaction) -> None:
        """List the queued prompts, in the order they will be used."""
        items = await self.service.queue_list(interaction.guild_id or 0, actor_of(interaction))
        await interaction.response.send_message(embed=render.queue_embed(items), ephemeral=True)

    @queue.command(name="remove")
    @app_commands.describe(item="The queued prompt to remove")
    async def queue_remove(
        self, interaction: discord.Interaction, item: app_commands.Range[int, 1]
    ) -> None:
        """Remove a prompt from the queue."""
        removed = await self.service.queue_remove(
            interaction.guild_id or 0, actor_of(interaction), item
        )
        await interaction.response.send_message(render.removed_text(removed), ephemeral=True)

    @queue_remove.autocomplete("item")
    async def _queue_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        items = await self.service.queue_choices(interaction.guild_id or 0, actor_of(interaction))
        return render.queue_choices(items, current)

    @potd.command(name="suggest")
    @app_commands.describe(
        title=f"A short title (up to {TITLE_LIMIT} characters)",
        prompt=f"Your prompt idea (up to {PROMPT_LIMIT} characters)",
    )
    async def suggest(
        self,
        interaction: discord.Interaction,
        title: app_commands.Range[str, 1, TITLE_LIMIT],
        prompt: app_commands.Range[str, 1, PROMPT_LIMIT],
    ) -> None:
        """Suggest a prompt of the day; the server's admins review suggestions."""
        await self.service.suggest(
            interaction.guild_id or 0, interaction.user.id, title=title, prompt=prompt
        )
        await interaction.response.send_message(
            _("💡 Thanks! Your suggestion is waiting for the admins' review."), ephemeral=True
        )

    @potd.command(name="review")
    async def review(self, interaction: discord.Interaction) -> None:
        """Review members' suggestions: approve them into the queue or reject them."""
        guild_id = interaction.guild_id or 0
        actor = actor_of(interaction)
        suggestion = await self.service.next_suggestion(guild_id, actor)
        waiting = await self.service.pending_suggestion_count(guild_id)
        content, embed, view = review_message(suggestion, waiting)
        if embed is None or view is None:
            await interaction.response.send_message(content, ephemeral=True)
            return
        await interaction.response.send_message(
            content or None, embed=embed, view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )

    # -- members ---------------------------------------------------------------------------------

    @potd.command(name="submit")
    @app_commands.describe(
        text=f"Your answer, or a note about it (up to {SUBMISSION_TEXT_LIMIT:,} characters)",
        file="An image, audio file or document with your work",
    )
    async def submit(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, SUBMISSION_TEXT_LIMIT] | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        """Answer today's prompt: your submission is posted in the day's thread."""
        info = (
            AttachmentInfo(
                filename=file.filename,
                url=file.url,
                size=file.size,
                is_image=(file.content_type or "").split(";")[0] in IMAGE_TYPES,
            )
            if file
            else None
        )
        # Recorded with its post in one transaction; the outbox delivers the post (retrying
        # through Discord outages), so the member's answer is never lost to a failed send.
        result = await self.service.submit(
            interaction.guild_id or 0,
            interaction.user.id,
            text=text,
            attachment=info,
            ensure_thread=self.publisher.ensure_thread,
        )
        await interaction.response.send_message(
            render.submitted_text(result), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @potd.command(name="streak")
    @app_commands.describe(member="Whose streak (default: yours)")
    async def streak(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        """Show a streak: prompts answered in a row, best run and total."""
        target = member or interaction.user
        info = await self.service.streak(interaction.guild_id or 0, target.id)
        own = target.id == interaction.user.id
        await interaction.response.send_message(
            render.streak_text(info, own=own, name=target.display_name),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @potd.command(name="leaderboard")
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        """Show the server's longest current streaks."""
        ranking = await self.service.leaderboard(interaction.guild_id or 0)
        await interaction.response.send_message(
            embed=render.leaderboard_embed(ranking), allowed_mentions=NO_PINGS
        )

    @potd.command(name="history")
    @app_commands.describe(page="Page to start on (10 prompts a page, newest first)")
    async def history(
        self, interaction: discord.Interaction, page: app_commands.Range[int, 1] = 1
    ) -> None:
        """Browse past prompts of the day, newest first."""
        guild_id = interaction.guild_id or 0
        result = await self.service.history(guild_id, page)
        embed, view = history_message(result, guild_id)
        archive = await self.bot.services.gallery.archive_url(guild_id)
        await interaction.response.send_message(
            _("🖼️ The archive, with the works members shared: <{url}>", url=archive)
            if archive
            else None,
            embed=embed,
            view=view,
            ephemeral=True,
        )
