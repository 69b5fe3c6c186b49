"""How members' part of the prompt of the day looks: submissions, streaks, history."""

from __future__ import annotations

import discord

from bot.i18n import _, ngettext
from bot.services.potd import HistoryPage, StreakInfo, SubmissionResult

__all__ = ["history_embed", "leaderboard_embed", "streak_text", "submitted_text"]


def _escape(text: str) -> str:
    return discord.utils.escape_markdown(text)


def submitted_text(result: SubmissionResult) -> str:
    return (
        _(
            "📬 Submitted to **{title}** ({date}). It's recorded and will appear in <#{thread}> "
            "shortly.",
            title=_escape(result.title),
            date=result.local_date,
            thread=result.thread_id,
        )
        + "\n"
        + streak_text(result.streak, own=True)
    )


def streak_text(info: StreakInfo, *, own: bool, name: str = "") -> str:
    if not info.total:
        if own:
            return _(
                "Your streak: nothing submitted yet. Answer today's prompt with `/potd submit`."
            )
        return _(
            "{name}'s streak: nothing submitted yet. Answer today's prompt with `/potd submit`.",
            name=name,
        )
    flame = " 🔥" if info.current >= 3 else ""
    days = ngettext("**{n}** day in a row", "**{n}** days in a row", info.current)
    total = ngettext(
        "best {best} · {n} submission in all",
        "best {best} · {n} submissions in all",
        info.total,
        best=info.best,
    )
    if own:
        return _("Your streak: {days}{flame} · {total}.", days=days, flame=flame, total=total)
    return _(
        "{name}'s streak: {days}{flame} · {total}.", name=name, days=days, flame=flame, total=total
    )


def leaderboard_embed(ranking: list[StreakInfo]) -> discord.Embed:
    embed = discord.Embed(title=_("Prompt of the day: streaks"), colour=discord.Colour.gold())
    if not ranking:
        embed.description = _("No streaks yet. Be the first: `/potd submit`.")
        return embed
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    lines = [
        medals.get(rank, f"{rank}.")
        + " "
        + _(
            "<@{user}>: **{current}** in a row (best {best}, {total} in all)",
            user=info.user_id,
            current=info.current,
            best=info.best,
            total=info.total,
        )
        for rank, info in enumerate(ranking, start=1)
    ]
    embed.description = "\n".join(lines)
    return embed


def history_embed(page: HistoryPage, guild_id: int) -> discord.Embed:
    embed = discord.Embed(title=_("Prompt of the day: history"), colour=discord.Colour.blurple())
    if not page.entries:
        embed.description = _("No prompts have been posted yet.")
    else:
        lines = []
        for entry in page.entries:
            title = _escape(entry.title)
            if entry.message_id:
                link = (
                    f"https://discord.com/channels/{guild_id}/{entry.channel_id}/{entry.message_id}"
                )
                title = f"[{title}]({link})"
            submissions = ngettext("{n} submission", "{n} submissions", entry.submissions)
            lines.append(f"`{entry.local_date}` {title} · {submissions}")
        embed.description = "\n".join(lines)[:4000]
    embed.set_footer(
        text=ngettext(
            "Page {page} of {pages} · {n} prompt",
            "Page {page} of {pages} · {n} prompts",
            page.total,
            page=page.page,
            pages=page.pages,
        )
    )
    return embed
