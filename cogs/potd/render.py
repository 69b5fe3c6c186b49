"""How the prompt of the day looks in Discord: the daily post, settings, previews, the queue,
suggestions, streaks, history and submissions. Pure functions of the service's data."""

from __future__ import annotations

from datetime import date

import discord
from discord import app_commands

from bot.i18n import _, ngettext
from bot.services.potd import (
    MEDIUM_LABELS,
    HistoryPage,
    PotdOverview,
    PotdPostRecord,
    PotdQueueRecord,
    PotdSuggestionRecord,
    Preview,
    StreakInfo,
    SubmissionResult,
)
from bot.services.potd.timing import format_post_time
from bot.services.potd.types import CalendarView

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
    "queue": "from the queue",
    "suggestion": "a member's suggestion",
    "model": "written by the model",
    "fallback": "from Muse's curated list",
}


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(text)


# -- the daily post ------------------------------------------------------------------------------


def footer_marker(local_date: str) -> str:
    """Written into every post's footer; how a post is recognised after a crash."""
    return f"Prompt of the day · {local_date}"


def nice_date(local_date: str) -> str:
    day = date.fromisoformat(local_date)
    return f"{day:%A}, {day.day} {day:%B %Y}"


def thread_name(local_date: str) -> str:
    return f"Submissions for {local_date}"


def post_embed(post: PotdPostRecord) -> discord.Embed:
    medium = post.medium or "mixed"
    embed = discord.Embed(
        title=(post.title or "Prompt of the day")[:256],
        description=post.prompt or "",
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if post.twists:
        embed.add_field(
            name="Twists (optional)",
            value="\n".join(f"• {t}" for t in post.twists)[:1024],
            inline=False,
        )
    if post.calendar_word:
        embed.add_field(name="Word of the day", value=post.calendar_word[:1024])
    embed.add_field(name="Medium", value=MEDIUM_LABELS.get(medium, medium))
    embed.add_field(name="Date", value=nice_date(post.local_date))
    if post.tags:
        embed.add_field(name="Tags", value=", ".join(post.tags)[:1024])
    embed.add_field(
        name="Join in",
        value="Answer with `/potd submit` (text, a file or both); it appears in the thread.",
        inline=False,
    )
    footer = footer_marker(post.local_date)
    if post.late:
        footer += " · posted late"
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
    embed.add_field(name=_("Medium"), value=str(MEDIUM_LABELS.get(overview.medium or "", "?")))
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
    return f"📅 Calendar for {scope} ({len(chosen)} day(s)): {preview}"


# -- curation ------------------------------------------------------------------------------------


def prompt_embed(title: str, prompt: str, twists: tuple[str, ...], medium: str) -> discord.Embed:
    embed = discord.Embed(
        title=title[:256],
        description=prompt,
        colour=MEDIUM_COLOURS.get(medium, discord.Colour.blurple()),
    )
    if twists:
        embed.add_field(name="Twists (optional)", value="\n".join(f"• {t}" for t in twists)[:1024])
    return embed


def preview_embed(preview: Preview) -> discord.Embed:
    content = preview.content
    embed = prompt_embed(content.title, content.prompt, content.twists, content.medium)
    if content.tags:
        embed.add_field(name="Tags", value=", ".join(content.tags), inline=False)
    if preview.calendar_word:
        embed.add_field(name="Word of the day", value=preview.calendar_word)
    label = SOURCE_LABELS.get(content.source, content.source)
    embed.set_footer(text=f"Preview for {preview.local_date} · {label}")
    return embed


def queued_text(item: PotdQueueRecord, resembles: str | None) -> str:
    note = f"\n⚠️ It resembles an earlier prompt, “{_escape(resembles)}”." if resembles else ""
    return f"➕ Queued as `#{item.id}`: **{_escape(item.title)}**.{note}"


def kept_text(item: PotdQueueRecord) -> str:
    return f"➕ Queued as `#{item.id}`: **{_escape(item.title)}**."


def removed_text(item: PotdQueueRecord) -> str:
    return f"🗑️ Removed `#{item.id}`: **{_escape(item.title)}**."


def queue_choices(items: list[PotdQueueRecord], typed: str) -> list[app_commands.Choice[int]]:
    """Autocomplete for a queued prompt: those whose number or title contains what was typed."""
    typed = typed.casefold().lstrip("#")
    return [
        app_commands.Choice(name=f"#{i.id} {i.title}"[:100], value=i.id)
        for i in items
        if not typed or typed in f"{i.id} {i.title}".casefold()
    ][:25]


def queue_embed(items: list[PotdQueueRecord]) -> discord.Embed:
    embed = discord.Embed(title="Prompt of the day: queue", colour=discord.Colour.blurple())
    if not items:
        embed.description = (
            "The queue is empty: the model writes the next prompt. Add one with `/potd queue add`."
        )
        return embed
    lines = []
    for position, item in enumerate(items, start=1):
        origin = " (suggested)" if item.origin == "suggestion" else ""
        title = _escape(item.title)
        lines.append(f"{position}. `#{item.id}` **{title}**{origin}")
    embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text="Used in this order, before any generated prompt.")
    return embed


def review_embed(suggestion: PotdSuggestionRecord, waiting: int) -> discord.Embed:
    embed = prompt_embed(suggestion.title, suggestion.prompt, (), "mixed")
    embed.add_field(name="Suggested by", value=f"<@{suggestion.user_id}>")
    embed.set_footer(text=f"Suggestion #{suggestion.id} · {waiting} waiting")
    return embed


def reviewed_note(decided: PotdSuggestionRecord, *, approve: bool) -> str:
    verb = "✅ Approved and queued" if approve else "✖️ Rejected"
    return f"{verb}: **{_escape(decided.title)}**."


# -- members -------------------------------------------------------------------------------------


def submitted_text(result: SubmissionResult) -> str:
    return (
        f"📬 Submitted to **{_escape(result.title)}** "
        f"({result.local_date}). It's recorded and will appear in <#{result.thread_id}> "
        "shortly.\n" + streak_text(result.streak, own=True)
    )


def streak_text(info: StreakInfo, *, own: bool, name: str = "") -> str:
    who = "Your" if own else f"{name}'s"
    if not info.total:
        return f"{who} streak: nothing submitted yet. Answer today's prompt with `/potd submit`."
    flame = " 🔥" if info.current >= 3 else ""
    return (
        f"{who} streak: **{info.current}** day(s) in a row{flame} · best {info.best} · "
        f"{info.total} submission(s) in all."
    )


def leaderboard_embed(ranking: list[StreakInfo]) -> discord.Embed:
    embed = discord.Embed(title="Prompt of the day: streaks", colour=discord.Colour.gold())
    if not ranking:
        embed.description = "No streaks yet. Be the first: `/potd submit`."
        return embed
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        f"{medals.get(rank, f'{rank}.')} <@{info.user_id}>: **{info.current}** in a row "
        f"(best {info.best}, {info.total} in all)"
        for rank, info in enumerate(ranking, start=1)
    ]
    embed.description = "\n".join(lines)
    return embed


def history_embed(page: HistoryPage, guild_id: int) -> discord.Embed:
    embed = discord.Embed(title="Prompt of the day: history", colour=discord.Colour.blurple())
    if not page.entries:
        embed.description = "No prompts have been posted yet."
    else:
        lines = []
        for entry in page.entries:
            title = _escape(entry.title)
            if entry.message_id:
                link = (
                    f"https://discord.com/channels/{guild_id}/{entry.channel_id}/{entry.message_id}"
                )
                title = f"[{title}]({link})"
            lines.append(f"`{entry.local_date}` {title} · {entry.submissions} submission(s)")
        embed.description = "\n".join(lines)[:4000]
    embed.set_footer(text=f"Page {page.page} of {page.pages} · {page.total} prompt(s)")
    return embed
