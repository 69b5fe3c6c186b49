"""How story chains look in Discord: posts, notices, embeds. Pure functions of service data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.discord_io import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
from bot.discord_io.limits import EMBED_FIELD_VALUE_LIMIT
from bot.i18n import N_, _, ngettext
from bot.services.markdown import escape_line
from bot.services.story import (
    AI_NAME,
    PAGE_CHARS,
    CanonEntry,
    Notice,
    NoticeKind,
    ParticipantRecord,
    Recap,
    SegmentRecord,
    StoryPage,
    StoryRecord,
    StoryStatus,
)
from bot.services.story import canon_credit as book_canon_credit
from bot.services.story import credit_for as book_credit

__all__ = [
    "canon_embed",
    "canon_line",
    "intro_text",
    "list_embed",
    "notice_text",
    "page_embed",
    "reminder_text",
    "segment_messages",
    "status_embed",
    "turn_text",
]

_COLOUR = discord.Colour.dark_teal()
HUMAN_ONLY = N_("✋ written by members alone: no AI partner, no AI stand-ins")


def when(moment: datetime | None, style: str = "R") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>" if moment else "—"


def seat_name(seat: ParticipantRecord | None) -> str:
    if seat is None:
        return _("nobody (waiting for writers)")
    if seat.is_ai:
        return _("🤖 {name} (AI partner)", name=AI_NAME)
    return escape_line(seat.display_name)


def _hours(seconds: int) -> str:
    hours = seconds / 3600
    if hours.is_integer():
        return ngettext("{n} hour", "{n} hours", int(hours))
    return _("{hours} hours", hours=f"{hours:g}")


def credit(segment: SegmentRecord) -> str:
    if segment.kind == "ai":
        return f"🤖 **{AI_NAME}** (AI partner) · *AI-written*"
    if segment.kind == "stand_in":
        return f"🤖 **{AI_NAME}**, *AI-written stand-in for {escape_line(segment.author_name)}*"
    return f"✍️ **{escape_line(segment.author_name)}**"


def segment_messages(story: StoryRecord, segment: SegmentRecord) -> list[str]:
    """A segment as posted in the thread: its author first, then the text (split if long)."""
    header = f"{credit(segment)} · round {segment.round} · part {segment.seq}\n"
    return split_text(header + segment.text)


def intro_text(story: StoryRecord, seats: Sequence[ParticipantRecord]) -> str:
    rules = [
        f"**Genre:** {escape_line(story.genre)}",
        f"**Turns:** {_hours(story.turn_seconds)} each, up to {story.word_limit} words",
    ]
    if story.max_rounds:
        rules.append(f"**Rounds:** {story.max_rounds}")
    if story.max_participants:
        rules.append(f"**Writers:** at most {story.max_participants}")
    if story.ai_partner:
        rules.append(f"**AI partner:** 🤖 {AI_NAME} takes a turn in the rotation")
    if story.human_only:
        rules.append(_("**Human only:** {rule}", rule=HUMAN_ONLY))
    if story.shuffle:
        rules.append("**Order:** shuffled")
    order = ", ".join(seat_name(s) for s in seats if s.active)
    return (
        f"📖 **{escape_line(story.title)}**\n" + "\n".join(rules) + f"\n**Rotation:** {order}\n\n"
        "Join with `/story join`, write with `/story write` when it's your turn, and read it "
        "all with `/story show`."
    )


def turn_text(story: StoryRecord, writer: ParticipantRecord, recap: Recap | None) -> str:
    head = (
        f"<@{writer.user_id}>, it's your turn in **{escape_line(story.title)}** "
        f"(round {story.round}). "
        f"Write with `/story write` before {when(story.turn_deadline, 'f')} "
        f"({when(story.turn_deadline)}), up to {story.word_limit} words."
    )
    if recap is None:
        return head + "\n\nThe story begins with you."
    quoted = "\n".join(f"> {line}" if line else ">" for line in recap.text.split("\n"))
    label = f" 🤖 *(AI-written recap by {AI_NAME})*" if recap.ai_written else ""
    return f"{head}\n\n> *Previously…*{label}\n{quoted}"[:CONTENT_LIMIT]


def reminder_text(story: StoryRecord, writer: ParticipantRecord, level: int) -> str:
    left = "half your time is gone" if level == 1 else "your turn is nearly over"
    return (
        f"⏰ <@{writer.user_id}>, {left} in **{escape_line(story.title)}**: the turn ends "
        f"{when(story.turn_deadline)}. `/story write` to add your part."
    )


def notice_text(notice: Notice) -> str:
    name = escape_line(notice.name)
    texts = {
        NoticeKind.JOINED: f"👋 **{name}** joined the rotation.",
        NoticeKind.LEFT: f"🚪 **{name}** left the rotation.",
        NoticeKind.KICKED: f"🚫 **{name}** was removed from the rotation by a moderator.",
        NoticeKind.SKIPPED: f"⌛ **{name}** ran out of time; the turn passes on.",
        NoticeKind.SKIPPED_BY_MODERATOR: f"⏭️ A moderator skipped **{name}**'s turn.",
        NoticeKind.REMOVED: (
            f"🚪 **{name}** missed {notice.count} turns in a row and has left the rotation. "
            "`/story join` brings them back."
        ),
        NoticeKind.AI_FAILED: f"🤖 {AI_NAME} couldn't write this turn; the turn passes on.",
        NoticeKind.WAITING: (
            "⏸️ Nobody else is in the rotation: the story waits for more writers (`/story join`)."
        ),
        NoticeKind.PAUSED: "⏸️ The story is paused: no turns and no deadlines until it resumes.",
        NoticeKind.RESUMED: "▶️ The story continues.",
    }
    return texts[notice.kind]


def status_embed(status: StoryStatus) -> discord.Embed:
    story = status.story
    embed = discord.Embed(title=f"📖 {story.title}", colour=_COLOUR)
    state = {"open": _("Running"), "paused": _("Paused"), "ended": _("Ended")}[story.status]
    embed.add_field(name=_("Status"), value=state)
    embed.add_field(name=_("Genre"), value=escape_line(story.genre))
    if story.human_only:
        embed.add_field(name=_("Human only"), value=str(HUMAN_ONLY))
    rounds = (
        _("{round} of {rounds}", round=story.round, rounds=story.max_rounds)
        if story.max_rounds
        else str(story.round)
    )
    embed.add_field(name=_("Round"), value=rounds)
    if story.status != "ended":
        embed.add_field(name=_("Whose turn"), value=seat_name(status.current))
        if story.status == "open" and story.turn_deadline:
            embed.add_field(
                name=_("Deadline"),
                value=f"{when(story.turn_deadline, 'f')} ({when(story.turn_deadline)})",
            )
    embed.add_field(name=_("Segments"), value=str(status.segment_count))
    order = " → ".join(seat_name(s) for s in status.rotation) or _("nobody")
    embed.add_field(name=_("Rotation"), value=order[:1024], inline=False)
    embed.add_field(
        name=_("Rules"),
        value=ngettext(
            "{hours} a turn, up to {n} word",
            "{hours} a turn, up to {n} words",
            story.word_limit,
            hours=_hours(story.turn_seconds),
        ),
        inline=False,
    )
    embed.add_field(name=_("Thread"), value=f"<#{story.thread_id}>")
    return embed


def list_embed(stories: Sequence[StoryStatus]) -> discord.Embed:
    embed = discord.Embed(title="Story chains", colour=_COLOUR)
    if not stories:
        embed.description = "No stories yet. Start one with `/story start`."
        return embed
    lines = []
    for status in stories:
        story = status.story
        if story.status == "ended":
            state = f"ended {when(story.ended_at)}"
        elif story.status == "paused":
            state = "paused"
        else:
            state = f"{seat_name(status.current)}'s turn"
        human = "✋ human only · " if story.human_only else ""
        lines.append(
            f"**{escape_line(story.title)}** · {human}{escape_line(story.genre)} · "
            f"{status.segment_count} segments · {state} · <#{story.thread_id}>"
        )
    embed.description = "\n".join(lines)[:4000]
    return embed


def page_embed(page: StoryPage) -> discord.Embed:
    story = page.story
    embed = discord.Embed(title=f"📖 {story.title}", colour=_COLOUR)
    if not page.segments:
        embed.description = "Nothing written yet."
    else:
        # Pages are packed to fit; only a segment longer than a page on its own is cut here.
        budget = PAGE_CHARS
        parts = []
        for segment in page.segments:
            text = segment.text if len(segment.text) <= budget else segment.text[:budget] + "…"
            parts.append(f"{text}\n— *{escape_line(book_credit(segment))}*")
        embed.description = "\n\n".join(parts)[:EMBED_DESCRIPTION_LIMIT]
    if page.canon:
        embed.add_field(name=f"Canon ({len(page.canon)})", value=_canon_field(page.canon))
    human = " · human only" if story.human_only else ""
    embed.set_footer(text=f"{story.genre}{human} · page {page.page + 1} of {page.pages}")
    return embed


def canon_line(entry: CanonEntry, *, limit: int = 400) -> str:
    """An entry as /story shows it: name, kind, description, who added it."""
    text = entry.description if len(entry.description) <= limit else entry.description[:limit]
    more = "…" if len(entry.description) > limit else ""
    return (
        f"**{escape_line(entry.name)}** ({entry.kind}): {escape_line(text)}{more} "
        f"— *{escape_line(book_canon_credit(entry))}*"
    )


def _canon_field(entries: Sequence[CanonEntry]) -> str:
    """The canon under a page: each entry on a line, cut to fit one embed field."""
    lines: list[str] = []
    used = 0
    for index, entry in enumerate(entries):
        line = canon_line(entry, limit=80)
        rest = len(entries) - index
        if used + len(line) + 1 > EMBED_FIELD_VALUE_LIMIT - 40:
            lines.append(f"…and {rest} more: `/story canon list`")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def canon_embed(story: StoryRecord, entries: Sequence[CanonEntry]) -> discord.Embed:
    """/story canon list: every entry in full, in the order they were added."""
    embed = discord.Embed(title=f"📚 Canon of {story.title}"[:256], colour=_COLOUR)
    if not entries:
        embed.description = "No canon yet. Add a character, place or rule with `/story canon add`."
        return embed
    lines: list[str] = []
    used = 0
    for index, entry in enumerate(entries):
        line = canon_line(entry)
        triggers = ", ".join(escape_line(t) for t in entry.triggers)
        if triggers:
            line += f"\n  triggers: {triggers}"
        if used + len(line) + 2 > EMBED_DESCRIPTION_LIMIT - 60:
            lines.append(f"…and {len(entries) - index} more, too long to show here.")
            break
        lines.append(line)
        used += len(line) + 2
    embed.description = "\n\n".join(lines)
    embed.set_footer(
        text="Muse puts an entry into its prompts when its name or a trigger comes up."
    )
    return embed
