"""How writing sprints look in Discord: the announcements, the leaderboard, the replies.
Pure functions of service data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.discord_io import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
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
    return f"{value:g} minute{'s' if value != 1 else ''}"


def _goal(sprint: SprintRecord) -> str:
    return f" Goal: **{sprint.goal_words:,}** words." if sprint.goal_words else ""


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


def _starter(found: SprintPublication) -> str:
    for p in found.participants:
        if p.user_id == found.sprint.starter_id:
            return f" started by **{escape_line(p.display_name)}**"
    return ""


def announcement(found: SprintPublication) -> str:
    """The start, the end, or the calling off of a sprint (the leaderboard is separate)."""
    sprint = found.sprint
    if found.kind == "start":
        return (
            f"🏃 **Sprint!** {_minutes(sprint.duration_minutes)} of writing{_starter(found)} "
            f"starts now and ends {when(sprint.ends_at)}.{_goal(sprint)}{mentions(found.pings)}"
            "\nJoin with `/sprint join`; report your words with `/sprint words`."
        )
    if found.kind == "end":
        early = " (ended early)" if sprint.ended_early else ""
        if found.grace_minutes > 0:
            after = (
                f"Report your final count with `/sprint words` in the next "
                f"{_minutes(round(found.grace_minutes, 1))}; the leaderboard follows."
            )
        else:
            after = "The leaderboard follows."
        return f"⏱️ **Time's up!**{early}{mentions(found.pings)}\n{after}"
    return "🛑 The sprint planned here was called off before it began."


def standing_line(standing: Standing) -> str:
    name = escape_line(standing.display_name)
    if standing.words is None:
        return f"{standing.rank}. **{name}**: no count reported"
    goal = " ✅" if standing.reached_goal else ""
    return f"{standing.rank}. **{name}**: {standing.words:,} words · {standing.wpm:g} wpm{goal}"


def leaderboard_chunks(found: SprintPublication) -> list[str]:
    """The leaderboard, every participant, in as many messages as Discord's limits need."""
    sprint = found.sprint
    minutes = round((sprint.ends_at - sprint.starts_at).total_seconds() / 60, 1)
    early = ", ended early" if sprint.ended_early else ""
    head = f"🏁 **Sprint results** ({_minutes(max(minutes, 0.0))}{early}).{_goal(sprint)}"
    if not found.standings:
        return [head + "\nNobody stayed in this sprint."]
    lines = [standing_line(s) for s in found.standings]
    written = sum(s.words or 0 for s in found.standings)
    foot = f"Together: **{written:,}** words. `/sprint stats` shows your totals."
    return split_text("\n".join([head, *lines, foot]), CONTENT_LIMIT)


def start_reply(status: SprintStatus) -> str:
    sprint = status.sprint
    waiting = status.phase is Phase.WAITING
    begins = f"starts {when(sprint.starts_at)}" if waiting else "has started"
    return (
        f"🏃 Your {_minutes(sprint.duration_minutes)} sprint {begins}; you're in."
        f"{_goal(sprint)} Report your words with `/sprint words`."
    )


def status_embed(status: SprintStatus) -> discord.Embed:
    sprint, phase = status.sprint, status.phase
    if phase is Phase.WAITING:
        line = f"Starts {when(sprint.starts_at)}, runs {_minutes(sprint.duration_minutes)}."
    elif phase is Phase.RUNNING:
        line = f"Running: ends {when(sprint.ends_at)}."
    else:
        line = f"Time is up: final counts until {when(sprint.closes_at)}."
    if sprint.goal_words:
        line += f"\nGoal: {sprint.goal_words:,} words."
    embed = discord.Embed(title="Sprint", description=line, colour=_COLOUR)
    if sprint.prompt_title and sprint.prompt_text:
        embed.add_field(
            name="Prompt",
            value=f"**{escape_line(sprint.prompt_title)}**: {escape_markdown(sprint.prompt_text)}"[
                :1024
            ],
            inline=False,
        )
    writers = [
        f"**{escape_line(p.display_name)}**"
        + (f": {p.words:,} words" if p.words is not None else "")
        for p in status.participants
    ]
    value = "\n".join(writers) or "Nobody yet."
    embed.add_field(name=f"Writers ({len(writers)})", value=value[:1024], inline=False)
    return embed


def words_reply(report: WordsReport) -> str:
    goal = " 🎯 You reached the goal!" if report.reached_goal else ""
    when_ = (
        "Final counts close soon."
        if report.phase is Phase.GRACE
        else "Report again any time: the latest count is the one that counts."
    )
    return f"✍️ Counted: **{report.words:,}** words in this sprint.{goal} {when_}"


def stats_text(stats: SprintStats, name: str) -> str:
    who = escape_line(name)
    if stats.sprints == 0:
        text = f"📊 **{who}** hasn't finished a sprint here yet."
    else:
        best = f"{stats.best_wpm:g} wpm" if stats.best_wpm is not None else "—"
        text = (
            f"📊 **{who}**: {stats.sprints:,} sprint{'s' if stats.sprints != 1 else ''}, "
            f"{stats.words:,} words in all, best {best}."
        )
    if stats.streak_current is not None and stats.streak_best is not None:
        text += (
            f"\n🔥 Prompt-of-the-day streak: {stats.streak_current:,} (best {stats.streak_best:,})."
        )
    return text
