"""How story chains look in Discord: posts, notices, embeds. Pure functions of service data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.discord_io import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
from bot.discord_io.limits import EMBED_FIELD_VALUE_LIMIT
from bot.i18n import N_, _, ngettext, pgettext
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
        return _("🤖 **{name}** (AI partner) · *AI-written*", name=AI_NAME)
    if segment.kind == "stand_in":
        return _(
            "🤖 **{name}**, *AI-written stand-in for {member}*",
            name=AI_NAME,
            member=escape_line(segment.author_name),
        )
    return f"✍️ **{escape_line(segment.author_name)}**"


def segment_messages(story: StoryRecord, segment: SegmentRecord) -> list[str]:
    """A segment as posted in the thread: its author first, then the text (split if long)."""
    header = _(
        "{credit} · round {round} · part {part}",
        credit=credit(segment),
        round=segment.round,
        part=segment.seq,
    )
    return split_text(header + "\n" + segment.text)


def intro_text(story: StoryRecord, seats: Sequence[ParticipantRecord]) -> str:
    rules = [
        _("**Genre:** {genre}", genre=escape_line(story.genre)),
        ngettext(
            "**Turns:** {hours} each, up to {n} word",
            "**Turns:** {hours} each, up to {n} words",
            story.word_limit,
            hours=_hours(story.turn_seconds),
        ),
    ]
    if story.max_rounds:
        rules.append(_("**Rounds:** {rounds}", rounds=story.max_rounds))
    if story.max_participants:
        rules.append(_("**Writers:** at most {n}", n=story.max_participants))
    if story.ai_partner:
        rules.append(_("**AI partner:** 🤖 {name} takes a turn in the rotation", name=AI_NAME))
    if story.human_only:
        rules.append(_("**Human only:** {rule}", rule=HUMAN_ONLY))
    if story.shuffle:
        rules.append(_("**Order:** shuffled"))
    order = ", ".join(seat_name(s) for s in seats if s.active)
    return (
        f"📖 **{escape_line(story.title)}**\n"
        + "\n".join(rules)
        + "\n"
        + _("**Rotation:** {order}", order=order)
        + "\n\n"
        + _(
            "Join with `/story join`, write with `/story write` when it's your turn, and read it "
            "all with `/story show`."
        )
    )


def turn_text(story: StoryRecord, writer: ParticipantRecord, recap: Recap | None) -> str:
    head = ngettext(
        "<@{user}>, it's your turn in **{title}** (round {round}). Write with `/story write` "
        "before {deadline} ({relative}), up to {n} word.",
        "<@{user}>, it's your turn in **{title}** (round {round}). Write with `/story write` "
        "before {deadline} ({relative}), up to {n} words.",
        story.word_limit,
        user=writer.user_id,
        title=escape_line(story.title),
        round=story.round,
        deadline=when(story.turn_deadline, "f"),
        relative=when(story.turn_deadline),
    )
    if recap is None:
        return head + "\n\n" + _("The story begins with you.")
    quoted = "\n".join(f"> {line}" if line else ">" for line in recap.text.split("\n"))
    label = " " + _("🤖 *(AI-written recap by {name})*", name=AI_NAME) if recap.ai_written else ""
    previously = _("*Previously…*")
    return f"{head}\n\n> {previously}{label}\n{quoted}"[:CONTENT_LIMIT]


def reminder_text(story: StoryRecord, writer: ParticipantRecord, level: int) -> str:
    values = {
        "user": writer.user_id,
        "title": escape_line(story.title),
        "relative": when(story.turn_deadline),
    }
    if level == 1:
        return _(
            "⏰ <@{user}>, half your time is gone in **{title}**: the turn ends {relative}. "
            "`/story write` to add your part.",
            **values,
        )
    return _(
        "⏰ <@{user}>, your turn is nearly over in **{title}**: the turn ends {relative}. "
        "`/story write` to add your part.",
        **values,
    )


def notice_text(notice: Notice) -> str:
    name = escape_line(notice.name)
    kind = notice.kind
    if kind is NoticeKind.JOINED:
        return _("👋 **{name}** joined the rotation.", name=name)
    if kind is NoticeKind.LEFT:
        return _("🚪 **{name}** left the rotation.", name=name)
    if kind is NoticeKind.KICKED:
        return _("🚫 **{name}** was removed from the rotation by a moderator.", name=name)
    if kind is NoticeKind.SKIPPED:
        return _("⌛ **{name}** ran out of time; the turn passes on.", name=name)
    if kind is NoticeKind.SKIPPED_BY_MODERATOR:
        return _("⏭️ A moderator skipped **{name}**'s turn.", name=name)
    if kind is NoticeKind.REMOVED:
        return ngettext(
            "🚪 **{name}** missed {n} turn in a row and has left the rotation. "
            "`/story join` brings them back.",
            "🚪 **{name}** missed {n} turns in a row and has left the rotation. "
            "`/story join` brings them back.",
            notice.count,
            name=name,
        )
    if kind is NoticeKind.AI_FAILED:
        return _("🤖 {name} couldn't write this turn; the turn passes on.", name=AI_NAME)
    if kind is NoticeKind.WAITING:
        return _(
            "⏸️ Nobody else is in the rotation: the story waits for more writers (`/story join`)."
        )
    if kind is NoticeKind.PAUSED:
        return _("⏸️ The story is paused: no turns and no deadlines until it resumes.")
    return _("▶️ The story continues.")


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
    embed = discord.Embed(title=_("Story chains"), colour=_COLOUR)
    if not stories:
        embed.description = _("No stories yet. Start one with `/story start`.")
        return embed
    lines = []
    for status in stories:
        story = status.story
        if story.status == "ended":
            state = _("ended {relative}", relative=when(story.ended_at))
        elif story.status == "paused":
            state = _("paused")
        else:
            state = _("{name}'s turn", name=seat_name(status.current))
        human = _("✋ human only · ") if story.human_only else ""
        segments = ngettext("{n} segment", "{n} segments", status.segment_count)
        lines.append(
            f"**{escape_line(story.title)}** · {human}{escape_line(story.genre)} · "
            f"{segments} · {state} · <#{story.thread_id}>"
        )
    embed.description = "\n".join(lines)[:4000]
    return embed


def page_embed(page: StoryPage) -> discord.Embed:
    story = page.story
    embed = discord.Embed(title=f"📖 {story.title}", colour=_COLOUR)
    if not page.segments:
        embed.description = _("Nothing written yet.")
    else:
        # Pages are packed to fit; only a segment longer than a page on its own is cut here.
        budget = PAGE_CHARS
        parts = []
        for segment in page.segments:
            text = segment.text if len(segment.text) <= budget else segment.text[:budget] + "…"
            parts.append(f"{text}\n— *{escape_line(book_credit(segment))}*")
        embed.description = "\n\n".join(parts)[:EMBED_DESCRIPTION_LIMIT]
    if page.canon:
        embed.add_field(name=_("Canon ({n})", n=len(page.canon)), value=_canon_field(page.canon))
    footer = (
        _(
            "{genre} · human only · page {page} of {pages}",
            genre=story.genre,
            page=page.page + 1,
            pages=page.pages,
        )
        if story.human_only
        else _(
            "{genre} · page {page} of {pages}",
            genre=story.genre,
            page=page.page + 1,
            pages=page.pages,
        )
    )
    embed.set_footer(text=footer)
    return embed


def canon_line(entry: CanonEntry, *, limit: int = 400) -> str:
    """An entry as /story shows it: name, kind, description, who added it."""
    text = entry.description if len(entry.description) <= limit else entry.description[:limit]
    more = "…" if len(entry.description) > limit else ""
    return _(
        "**{name}** ({kind}): {description}{more} — *{credit}*",
        name=escape_line(entry.name),
        kind=pgettext("choice", entry.kind),
        description=escape_line(text),
        more=more,
        credit=escape_line(book_canon_credit(entry)),
    )


def _canon_field(entries: Sequence[CanonEntry]) -> str:
    """The canon under a page: each entry on a line, cut to fit one embed field."""
    lines: list[str] = []
    used = 0
    for index, entry in enumerate(entries):
        line = canon_line(entry, limit=80)
        rest = len(entries) - index
        if used + len(line) + 1 > EMBED_FIELD_VALUE_LIMIT - 40:
            lines.append(_("…and {n} more: `/story canon list`", n=rest))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def canon_embed(story: StoryRecord, entries: Sequence[CanonEntry]) -> discord.Embed:
    """/story canon list: every entry in full, in the order they were added."""
    embed = discord.Embed(title=_("📚 Canon of {title}", title=story.title)[:256], colour=_COLOUR)
    if not entries:
        embed.description = _(
            "No canon yet. Add a character, place or rule with `/story canon add`."
        )
        return embed
    lines: list[str] = []
    used = 0
    for index, entry in enumerate(entries):
        line = canon_line(entry)
        triggers = ", ".join(escape_line(t) for t in entry.triggers)
        if triggers:
            line += "\n  " + _("triggers: {triggers}", triggers=triggers)
        if used + len(line) + 2 > EMBED_DESCRIPTION_LIMIT - 60:
            lines.append(_("…and {n} more, too long to show here.", n=len(entries) - index))
            break
        lines.append(line)
        used += len(line) + 2
    embed.description = "\n\n".join(lines)
    embed.set_footer(
        text=_("Muse puts an entry into its prompts when its name or a trigger comes up.")
    )
    return embed
