"""How the prompt of the day looks in Discord: the daily post, settings, previews, the queue,
suggestions, streaks, history and submissions. Pure functions of the service's data."""

from __future__ import annotations

from datetime import date

import discord
from babel.dates import format_date
from discord import app_commands

from bot.i18n import DEFAULT_LOCALE, N_, _, current_locale, ngettext
from bot.services.potd import (
    MEDIUM_LABELS,
    PotdOverview,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSuggestionRecord,
    Preview,
)
from bot.services.potd.timing import format_post_time
from bot.services.potd.types import CalendarView

from .render_members import (
    history_embed,
    leaderboard_embed,
    streak_text,
    submitted_text,
)

__all__ = [
    "MEDIUM_CHOICES",
    "MEDIUM_COLOURS",
    "MONTHS",
    "SOURCE_LABELS",
    "calendar_text",
    "footer_marker",
    "history_embed",
    "kept_text",
    "leaderboard_embed",
    "nice_date",
    "overview_embed",
    "post_embed",
    "preview_embed",
    "prompt_embed",
    "queue_choices",
    "queue_embed",
    "queued_text",
    "removed_text",
    "review_embed",
    "reviewed_note",
    "streak_text",
    "submission_embed",
    "submitted_text",
    "thread_name",
]

MEDIUM_COLOURS = {
    "visual": discord.Colour.from_rgb(230, 126, 34),
    "writing": discord.Colour.from_rgb(52, 152, 219),
    "music": discord.Colour.from_rgb(155, 89, 182),
    "mixed": discord.Colour.from_rgb(26, 188, 156),
}
# The choices of /potd setup's medium and /potd calendar's month.
MEDIUM_CHOICES = [
    app_commands.Choice(name="Visual art", value="visual"),
    app_commands.Choice(name="Writing", value="writing"),
    app_commands.Choice(name="Music", value="music"),
    app_commands.Choice(name="Mixed (all of them)", value="mixed"),
]
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
)
MONTHS = [
    app_commands.Choice(name=name, value=number)
    for number, name in enumerate(_MONTH_NAMES.split(), start=1)
]
SOURCE_LABELS = {
    "queue": N_("from the queue"),
    "suggestion": N_("a member's suggestion"),
    "model": N_("written by the model"),
    "fallback": N_("from Muse's curated list"),
}
# The services' MEDIUM_LABELS, in the reply's language.
_MEDIUM_NAMES = {
    "visual": N_("visual art"),
    "writing": N_("writing"),
    "music": N_("music"),
    "mixed": N_("mixed: art, writing and music"),
}


def medium_name(medium: str | None) -> str:
    label = _MEDIUM_NAMES.get(medium or "")
    return str(label) if label is not None else MEDIUM_LABELS.get(medium or "", "?")


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(text)


# -- the daily post ------------------------------------------------------------------------------


def footer_marker(local_date: str) -> str:
    """Written into every post's footer; how a post is recognised after a crash. A marker, not
    prose: the same in every language, so a post is found whatever the server's language was."""
    return f"Prompt of the day · {local_date}"


def nice_date(local_date: str) -> str:
    day = date.fromisoformat(local_date)
    locale = current_locale()
    if locale != DEFAULT_LOCALE:
        return format_date(day, format="full", locale=locale)  # CLDR: 2026年5月4日星期一
    return f"{day:%A}, {day.day} {day:%B %Y}"


def thread_name(local_date: str) -> str:
    return _("Submissions for {date}", date=local_date)


def post_embed(post: PotdPostRecord) -> discord.Embed:
    medium = post.medium or "mixed"
    embed = discord.Embed(
        title=(post.title or _("Prompt of the day"))[:256],
        description=post.prompt or "",
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if post.twists:
        embed.add_field(
            name=_("Twists (optional)"),
            value="\n".join(f"• {t}" for t in post.twists)[:1024],
            inline=False,
        )
    if post.calendar_word:
        embed.add_field(name=_("Word of the day"), value=post.calendar_word[:1024])
    embed.add_field(name=_("Medium"), value=medium_name(medium))
    embed.add_field(name=_("Date"), value=nice_date(post.local_date))
    if post.tags:
        embed.add_field(name=_("Tags"), value=", ".join(post.tags)[:1024])
    embed.add_field(
        name=_("Join in"),
        value=_("Answer with `/potd submit` (text, a file or both); it appears in the thread."),
        inline=False,
    )
    footer = footer_marker(post.local_date)
    if post.late:
        footer += " · " + _("posted late")
    embed.set_footer(text=footer)
    return embed


def submission_embed(
    author: str, icon_url: str | None, text: str | None, title: str, local_date: str
) -> discord.Embed:
    embed = discord.Embed(description=text or None, colour=discord.Colour.blurple())
    embed.set_author(name=author, icon_url=icon_url)
    embed.set_footer(text=f"{title} · {nice_date(local_date)}")
    return embed


# -- settings ------------------------------------------------------------------------------------


def overview_embed(overview: PotdOverview, *, title: str | None = None) -> discord.Embed:
    title = title or _("Prompt of the day")
    if not overview.configured:
        return discord.Embed(
            title=title,
            description=_("Not set up yet. Start it with `/potd setup`."),
            colour=discord.Colour.greyple(),
        )
    embed = discord.Embed(
        title=title,
        colour=MEDIUM_COLOURS.get(overview.medium or "mixed", discord.Colour.blurple()),
    )
    embed.add_field(name=_("Channel"), value=f"<#{overview.channel_id}>")
    when = format_post_time(overview.post_time) if overview.post_time else "?"
    embed.add_field(name=_("Time"), value=f"{when} {overview.timezone}")
    embed.add_field(name=_("Medium"), value=medium_name(overview.medium))
    embed.add_field(name=_("Themes"), value=overview.themes or _("none"), inline=False)
    state = _("⏸️ paused") if overview.paused else _("▶️ running")
    if overview.next_post_at is not None:
        stamp = int(overview.next_post_at.timestamp())
        state += _(" · next post <t:{stamp}:F> (<t:{stamp}:R>)", stamp=stamp)
    embed.add_field(name=_("Status"), value=state, inline=False)
    embed.add_field(
        name=_("Late posts"),
        value=_("up to {hours} h after downtime", hours=f"{overview.grace_hours:g}"),
    )
    embed.add_field(
        name=_("Queue"),
        value=ngettext("{n} prompt", "{n} prompts", overview.queued),
    )
    embed.add_field(name=_("Suggestions"), value=_("{n} waiting", n=overview.pending_suggestions))
    calendar = overview.calendar
    lines = []
    if calendar.default:
        lines.append(_("Every month: {words}", words=", ".join(calendar.default)))
    for month, words in sorted(calendar.months.items()):
        lines.append(_("Month {month}: {words}", month=month, words=", ".join(words)))
    embed.add_field(
        name=_("Theme calendar"), value="\n".join(lines)[:1024] or _("none"), inline=False
    )
    if overview.last_post_date:
        last = f"{overview.last_post_date}: {overview.last_post_status}"
        if overview.last_post_note and overview.last_post_status != "posted":
            last += f" ({overview.last_post_note[:200]})"
        embed.add_field(name=_("Last post"), value=last, inline=False)
    return embed


def calendar_text(calendar: CalendarView, month: int | None, scope: str) -> str:
    """The reply to /potd calendar set: the list now in force for ``month`` (None: every
    month), before the reply's length limit is applied."""
    chosen = calendar.months.get(month, ()) if month else calendar.default
    preview = ", ".join(f"{day}. {word}" for day, word in enumerate(chosen, start=1))
    return ngettext(
        "📅 Calendar for {scope} ({n} day): {preview}",
        "📅 Calendar for {scope} ({n} days): {preview}",
        len(chosen),
        scope=scope,
        preview=preview,
    )


# -- curation ------------------------------------------------------------------------------------


def prompt_embed(title: str, prompt: str, twists: tuple[str, ...], medium: str) -> discord.Embed:
    embed = discord.Embed(
        title=title[:256],
        description=prompt,
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if twists:
        embed.add_field(
            name=_("Twists (optional)"), value="\n".join(f"• {t}" for t in twists)[:1024]
        )
    return embed


def preview_embed(preview: Preview) -> discord.Embed:
    content = preview.content
    embed = prompt_embed(content.title, content.prompt, content.twists, content.medium)
    if content.tags:
        embed.add_field(name=_("Tags"), value=", ".join(content.tags), inline=False)
    if preview.calendar_word:
        embed.add_field(name=_("Word of the day"), value=preview.calendar_word)
    label = SOURCE_LABELS.get(content.source, content.source)
    embed.set_footer(
        text=_("Preview for {date} · {source}", date=preview.local_date, source=str(label))
    )
    return embed


def queued_text(item: PotdQueueRecord, resembles: str | None) -> str:
    note = (
        "\n" + _("⚠️ It resembles an earlier prompt, “{title}”.", title=_escape(resembles))
        if resembles
        else ""
    )
    return kept_text(item) + note


def kept_text(item: PotdQueueRecord) -> str:
    return _("➕ Queued as `#{id}`: **{title}**.", id=item.id, title=_escape(item.title))


def removed_text(item: PotdQueueRecord) -> str:
    return _("🗑️ Removed `#{id}`: **{title}**.", id=item.id, title=_escape(item.title))


def queue_choices(items: list[PotdQueueRecord], typed: str) -> list[app_commands.Choice[int]]:
    """Autocomplete for a queued prompt: those whose number or title contains what was typed."""
    typed = typed.casefold().lstrip("#")
    return [
        app_commands.Choice(name=f"#{i.id} {i.title}"[:100], value=i.id)
        for i in items
        if not typed or typed in f"{i.id} {i.title}".casefold()
    ][:25]


def queue_embed(items: list[PotdQueueRecord]) -> discord.Embed:
    embed = discord.Embed(title=_("Prompt of the day: queue"), colour=discord.Colour.blurple())
    if not items:
        embed.description = _(
            "The queue is empty: the model writes the next prompt. Add one with `/potd queue add`."
        )
        return embed
    lines = []
    for position, item in enumerate(items, start=1):
        origin = " " + _("(suggested)") if item.origin == "suggestion" else ""
        title = _escape(item.title)
        lines.append(f"{position}. `#{item.id}` **{title}**{origin}")
    embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text=_("Used in this order, before any generated prompt."))
    return embed


def review_embed(suggestion: PotdSuggestionRecord, waiting: int) -> discord.Embed:
    embed = prompt_embed(suggestion.title, suggestion.prompt, (), "mixed")
    embed.add_field(name=_("Suggested by"), value=f"<@{suggestion.user_id}>")
    embed.set_footer(text=_("Suggestion #{id} · {n} waiting", id=suggestion.id, n=waiting))
    return embed


def reviewed_note(decided: PotdSuggestionRecord, *, approve: bool) -> str:
    title = _escape(decided.title)
    if approve:
        return _("✅ Approved and queued: **{title}**.", title=title)
    return _("✖️ Rejected: **{title}**.", title=title)
