"""How writing sprints look in Discord: the announcements, the leaderboard, the replies.
Pure functions of service data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.discord_io import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
from bot.i18n import _, ngettext, pgettext
from bot.services.markdown import escape_line, escape_markdown
from bot.services.sprint import (
    Phase,
    SprintPublication,
    SprintRecord,
    SprintStats,
    SprintStatus,
    Standing,
    WordsReport,
)

__all__ = [
    "announcement",
    "leaderboard_chunks",
    "prompt_embed",
    "start_reply",
    "stats_text",
    "status_embed",
    "words_reply",
]

_COLOUR = discord.Colour.orange()


def when(moment: datetime, style: str = "R") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def _minutes(value: float) -> str:
    # English says "1 minute" and "1.5 minutes": a fraction takes the plural form.
    count = int(value) if value == int(value) else 2
    return ngettext("{minutes} minute", "{minutes} minutes", count, minutes=format(value, "g"))


def _goal(sprint: SprintRecord) -> str:
    """The goal as its own sentence after a space, or nothing."""
    if not sprint.goal_words:
        return ""
    goal = ngettext(
        "Goal: **{goal}** word.",
        "Goal: **{goal}** words.",
        sprint.goal_words,
        goal=format(sprint.goal_words, ","),
    )
    return f" {goal}"


def prompt_embed(sprint: SprintRecord) -> discord.Embed | None:
    """The sprint's writing prompt, when it has one (an embed: it may be long)."""
    if not sprint.prompt_title or not sprint.prompt_text:
        return None
    return discord.Embed(
        title=f"💡 {sprint.prompt_title}"[:256],
        description=escape_markdown(sprint.prompt_text)[:EMBED_DESCRIPTION_LIMIT],
        colour=_COLOUR,
    )


def mentions(user_ids: Sequence[int]) -> str:
    """The members a post pings, after a space (nothing when it pings nobody)."""
    return "".join(f" <@{u}>" for u in user_ids)


def _starter(found: SprintPublication) -> str | None:
    for p in found.participants:
        if p.user_id == found.sprint.starter_id:
            return escape_line(p.display_name)
    return None


def announcement(found: SprintPublication) -> str:
    """The start, the end, or the calling off of a sprint (the leaderboard is separate)."""
    sprint = found.sprint
    if found.kind == "start":
        minutes, ends = _minutes(sprint.duration_minutes), when(sprint.ends_at)
        starter = _starter(found)
        if starter is None:
            head = _(
                "🏃 **Sprint!** {minutes} of writing starts now and ends {ends}.",
                minutes=minutes,
                ends=ends,
            )
        else:
            head = _(
                "🏃 **Sprint!** {minutes} of writing started by **{starter}** starts now and "
                "ends {ends}.",
                minutes=minutes,
                starter=starter,
                ends=ends,
            )
        join = _("Join with `/sprint join`; report your words with `/sprint words`.")
        return f"{head}{_goal(sprint)}{mentions(found.pings)}\n{join}"
    if found.kind == "end":
        early = sprint.ended_early
        head = _("⏱️ **Time's up!** (ended early)") if early else _("⏱️ **Time's up!**")
        if found.grace_minutes > 0:
            after = _(
                "Report your final count with `/sprint words` in the next {minutes}; the "
                "leaderboard follows.",
                minutes=_minutes(round(found.grace_minutes, 1)),
            )
        else:
            after = _("The leaderboard follows.")
        return f"{head}{mentions(found.pings)}\n{after}"
    return _("🛑 The sprint planned here was called off before it began.")


def standing_line(standing: Standing) -> str:
    name = escape_line(standing.display_name)
    if standing.words is None:
        return _("{rank}. **{name}**: no count reported", rank=standing.rank, name=name)
    goal = " ✅" if standing.reached_goal else ""
    line = ngettext(
        "{rank}. **{name}**: {words} word · {wpm} wpm",
        "{rank}. **{name}**: {words} words · {wpm} wpm",
        standing.words,
        rank=standing.rank,
        name=name,
        words=format(standing.words, ","),
        wpm=format(standing.wpm, "g"),
    )
    return line + goal


def leaderboard_chunks(found: SprintPublication) -> list[str]:
    """The leaderboard, every participant, in as many messages as Discord's limits need."""
    sprint = found.sprint
    minutes = round((sprint.ends_at - sprint.starts_at).total_seconds() / 60, 1)
    length = _minutes(max(minutes, 0.0))
    if sprint.ended_early:
        head = _("🏁 **Sprint results** ({minutes}, ended early).", minutes=length)
    else:
        head = _("🏁 **Sprint results** ({minutes}).", minutes=length)
    head += _goal(sprint)
    if not found.standings:
        return [head + "\n" + _("Nobody stayed in this sprint.")]
    lines = [standing_line(s) for s in found.standings]
    written = sum(s.words or 0 for s in found.standings)
    foot = ngettext(
        "Together: **{words}** word. `/sprint stats` shows your totals.",
        "Together: **{words}** words. `/sprint stats` shows your totals.",
        written,
        words=format(written, ","),
    )
    return split_text("\n".join([head, *lines, foot]), CONTENT_LIMIT)


def start_reply(status: SprintStatus) -> str:
    sprint = status.sprint
    minutes = _minutes(sprint.duration_minutes)
    if status.phase is Phase.WAITING:
        head = _(
            "🏃 Your {minutes} sprint starts {when}; you're in.",
            minutes=minutes,
            when=when(sprint.starts_at),
        )
    else:
        head = _("🏃 Your {minutes} sprint has started; you're in.", minutes=minutes)
    return f"{head}{_goal(sprint)} " + _("Report your words with `/sprint words`.")


def status_embed(status: SprintStatus) -> discord.Embed:
    sprint, phase = status.sprint, status.phase
    if phase is Phase.WAITING:
        line = _(
            "Starts {when}, runs {minutes}.",
            when=when(sprint.starts_at),
            minutes=_minutes(sprint.duration_minutes),
        )
    elif phase is Phase.RUNNING:
        line = _("Running: ends {when}.", when=when(sprint.ends_at))
    else:
        line = _("Time is up: final counts until {when}.", when=when(sprint.closes_at))
    if sprint.goal_words:
        line += "\n" + ngettext(
            "Goal: {goal} word.",
            "Goal: {goal} words.",
            sprint.goal_words,
            goal=format(sprint.goal_words, ","),
        )
    embed = discord.Embed(title=_("Sprint"), description=line, colour=_COLOUR)
    if sprint.prompt_title and sprint.prompt_text:
        embed.add_field(
            name=pgettext("writing prompt", "Prompt"),
            value=f"**{escape_line(sprint.prompt_title)}**: {escape_markdown(sprint.prompt_text)}"[
                :1024
            ],
            inline=False,
        )
    writers = [_writer(p.display_name, p.words) for p in status.participants]
    value = "\n".join(writers) or _("Nobody yet.")
    embed.add_field(
        name=_("Writers ({count})", count=len(writers)), value=value[:1024], inline=False
    )
    return embed


def _writer(display_name: str, words: int | None) -> str:
    name = escape_line(display_name)
    if words is None:
        return f"**{name}**"
    return ngettext(
        "**{name}**: {words} word",
        "**{name}**: {words} words",
        words,
        name=name,
        words=format(words, ","),
    )


def words_reply(report: WordsReport) -> str:
    parts = [
        ngettext(
            "✍️ Counted: **{words}** word in this sprint.",
            "✍️ Counted: **{words}** words in this sprint.",
            report.words,
            words=format(report.words, ","),
        )
    ]
    if report.reached_goal:
        parts.append(_("🎯 You reached the goal!"))
    if report.phase is Phase.GRACE:
        parts.append(_("Final counts close soon."))
    else:
        parts.append(_("Report again any time: the latest count is the one that counts."))
    return " ".join(parts)


def stats_text(stats: SprintStats, name: str) -> str:
    who = escape_line(name)
    if stats.sprints == 0:
        text = _("📊 **{who}** hasn't finished a sprint here yet.", who=who)
    else:
        best = (
            _("{wpm} wpm", wpm=format(stats.best_wpm, "g")) if stats.best_wpm is not None else "—"
        )
        text = ngettext(
            "📊 **{who}**: {sprints} sprint, {words} words in all, best {best}.",
            "📊 **{who}**: {sprints} sprints, {words} words in all, best {best}.",
            stats.sprints,
            who=who,
            sprints=format(stats.sprints, ","),
            words=format(stats.words, ","),
            best=best,
        )
    if stats.streak_current is not None and stats.streak_best is not None:
        text += "\n" + _(
            "🔥 Prompt-of-the-day streak: {current} (best {best}).",
            current=format(stats.streak_current, ","),
            best=format(stats.streak_best, ","),
        )
    return text
