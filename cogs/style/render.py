"""Embeds for style memory's replies. Pure rendering: no service calls."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.discord_io import EMBED_DESCRIPTION_LIMIT, split_text
from bot.services.markdown import escape_markdown
from bot.services.style import Analysis, Inspiration, Recommendation, StyleProfile
from bot.services.style.discover import WORK_KINDS

__all__ = ["analysis_embed", "discover_embed", "inspiration_embed", "profile_embeds"]

COLOUR = discord.Colour.from_rgb(142, 110, 196)
MAX_EMBEDS = 10


def _esc(text: str) -> str:
    # The one Markdown escape, plus Discord's mention escape (mentions never ping anyway).
    return discord.utils.escape_mentions(escape_markdown(text))


def _day(moment: datetime | str | None) -> str:
    """The UTC day of a stored moment (a trait's text stamp or a record's ``datetime``)."""
    if isinstance(moment, datetime):
        return f"{moment.astimezone(UTC):%Y-%m-%d}"
    return moment[:10] if moment else "—"


def profile_embeds(profile: StyleProfile) -> list[discord.Embed]:
    """Everything stored about the member, across as many embeds as it takes."""
    status = (
        f"**Style memory:** on since {_day(profile.consent_at)}"
        if profile.consent
        else "**Style memory:** off (nothing new is learned)"
    )
    personal = "on" if profile.personalise else "off"
    lines = [f"{status} · **personalisation:** {personal}", ""]
    lines.append("**What you told me**")
    if profile.preferences:
        lines += [
            f"• {pref.label}: {_esc(pref.value)} *(set {_day(pref.updated_at)})*"
            for pref in profile.preferences.values()
        ]
    else:
        lines.append("• nothing yet: `/style set`")
    lines += ["", f"**Writing samples** ({len(profile.samples)})"]
    for sample in profile.samples:
        excerpt = sample.text.replace("\n", " ")
        excerpt = excerpt[:90] + ("…" if len(excerpt) > 90 else "")
        lines.append(
            f"• **{_esc(sample.title)}** *(added {_day(sample.created_at)})*: {_esc(excerpt)}"
        )
    if not profile.samples:
        lines.append("• none: `/style sample`")
    lines += ["", f"**Learned traits** ({len(profile.traits)})"]
    for trait in profile.traits:
        record = trait.record
        lines.append(
            f"• {trait.kind} · **{_esc(trait.value)}**: {trait.confidence:.0%} confidence, "
            f"seen {record.hits}× (first {_day(record.first_seen)}, last "
            f"{_day(record.last_seen)}, from {record.source.replace('_', ' ')})\n"
            f"  > “{_esc(record.evidence)}”"
        )
    if not profile.traits:
        lines.append("• none yet")
    lines += ["", "Remove any item with `/style remove`; erase everything with `/style forget`."]
    pages = split_text("\n".join(lines), EMBED_DESCRIPTION_LIMIT - 100)
    embeds = []
    for index, page in enumerate(pages[:MAX_EMBEDS]):
        title = "Your style profile" if index == 0 else "Your style profile (continued)"
        embeds.append(discord.Embed(title=title, description=page, colour=COLOUR))
    if len(pages) > MAX_EMBEDS:
        embeds[-1].set_footer(text="More is stored than fits here: /mydata export has it all.")
    return embeds


def inspiration_embed(result: Inspiration) -> discord.Embed:
    title = "Three prompts for you" if result.personalised else "Three prompts"
    embed = discord.Embed(title=title, colour=COLOUR)
    for index, prompt in enumerate(result.prompts, start=1):
        embed.add_field(
            name=f"{index}. {_esc(prompt.title)}"[:256],
            value=_esc(prompt.text)[:1024],
            inline=False,
        )
    if result.palette:
        embed.add_field(name="Palette", value=" ".join(f"`{c}`" for c in result.palette))
        embed.set_image(url="attachment://palette.png")
    footer = f"Made for a {result.medium} server"
    if not result.personalised:
        footer += " · /style optin to get prompts shaped by your own style"
    embed.set_footer(text=footer)
    return embed


def _join(items: list[str]) -> str:
    return _esc(", ".join(items))[:1024] if items else "—"


def analysis_embed(result: Analysis) -> discord.Embed:
    source = "your text" if result.source == "text" else result.source
    embed = discord.Embed(title=f"Analysis of {_esc(source)}"[:256], colour=COLOUR)
    if result.model_failed:
        embed.description = (
            "**The model could not analyse this text**: its answers were not words, even after "
            "a retry. Below is only what code can tell. The bundled model is tiny; for a real "
            "analysis, the server's admin can set `MUSE_MODEL_PATH` to a larger instruct model."
        )
    embed.add_field(name="Themes", value=_join(result.themes), inline=False)
    embed.add_field(name="Motifs", value=_join(result.motifs))
    embed.add_field(name="Imagery", value=_join(result.imagery))
    embed.add_field(name="Tone", value=_esc(result.tone)[:1024])
    embed.add_field(name="Form", value=_esc(result.form)[:1024])
    strengths = "\n".join(f"• {_esc(s)}" for s in result.strengths) or "—"
    embed.add_field(name="Strengths", value=strengths[:1024], inline=False)
    remixes = "\n".join(f"{i}. {_esc(r)}" for i, r in enumerate(result.remixes, start=1))
    embed.add_field(name="Remix prompts", value=remixes[:1024], inline=False)
    stats = result.stats
    footer = f"{stats.words} words · {stats.lines} lines · {stats.shape}"
    if result.truncated:
        footer += " · long piece: I read the opening only"
    embed.set_footer(text=footer + " · nothing was stored")
    return embed


def discover_embed(results: list[Recommendation], keywords: list[str]) -> discord.Embed:
    embed = discord.Embed(title="Community works for you", colour=COLOUR)
    if not results:
        embed.description = (
            "Nothing in this server's collection matches yet. Finished stories, prompt "
            "submissions and public lyrics appear here as members make them."
        )
    for rec in results:
        work = rec.work
        kind = WORK_KINDS.get(work.kind, work.kind)
        title = _esc(work.title)
        link = f"[{title}]({work.url})" if work.url else title
        excerpt = work.body.replace("\n", " ")
        excerpt = _esc(excerpt[:140] + ("…" if len(excerpt) > 140 else ""))
        why = f" · matches {', '.join(rec.matched)}" if rec.matched else ""
        human = " · human only" if work.human_only else ""
        embed.add_field(
            name=f"{kind}{human} · {_day(work.created_at)}"[:256],
            value=f"{link}{why}\n{excerpt}"[:1024],
            inline=False,
        )
    embed.set_footer(text=("Looked for: " + ", ".join(keywords[:12]))[:2048])
    return embed
