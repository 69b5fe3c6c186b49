"""Embeds for style memory's replies. Pure rendering: no service calls."""

from __future__ import annotations

from datetime import UTC, datetime

import discord

from bot.discord_io import EMBED_DESCRIPTION_LIMIT, split_text
from bot.i18n import _, ngettext, pgettext
from bot.services.markdown import escape_markdown
from bot.services.style import Analysis, Inspiration, Recommendation, StyleProfile
from bot.services.style.discover import WORK_KINDS
from bot.services.style.profile import source_label, trait_kind_label

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
    lines = [_status_line(profile), ""]
    lines.append(_("**What you told me**"))
    if profile.preferences:
        lines += [
            _(
                "• {label}: {value} *(set {day})*",
                label=pref.label,
                value=_esc(pref.value),
                day=_day(pref.updated_at),
            )
            for pref in profile.preferences.values()
        ]
    else:
        lines.append(_("• nothing yet: `/style set`"))
    lines += ["", _("**Writing samples** ({count})", count=len(profile.samples))]
    for sample in profile.samples:
        excerpt = sample.text.replace("\n", " ")
        excerpt = excerpt[:90] + ("…" if len(excerpt) > 90 else "")
        lines.append(
            _(
                "• **{title}** *(added {day})*: {excerpt}",
                title=_esc(sample.title),
                day=_day(sample.created_at),
                excerpt=_esc(excerpt),
            )
        )
    if not profile.samples:
        lines.append(_("• none: `/style sample`"))
    lines += ["", _("**Learned traits** ({count})", count=len(profile.traits))]
    for trait in profile.traits:
        record = trait.record
        lines.append(
            _(
                "• {kind} · **{value}**: {confidence} confidence, seen {hits}× (first {first}, "
                "last {last}, from {source})\n  > “{evidence}”",
                kind=trait_kind_label(trait.kind),
                value=_esc(trait.value),
                confidence=format(trait.confidence, ".0%"),
                hits=record.hits,
                first=_day(record.first_seen),
                last=_day(record.last_seen),
                source=source_label(record.source),
                evidence=_esc(record.evidence),
            )
        )
    if not profile.traits:
        lines.append(_("• none yet"))
    lines += ["", _("Remove any item with `/style remove`; erase everything with `/style forget`.")]
    pages = split_text("\n".join(lines), EMBED_DESCRIPTION_LIMIT - 100)
    embeds = []
    for index, page in enumerate(pages[:MAX_EMBEDS]):
        title = _("Your style profile") if index == 0 else _("Your style profile (continued)")
        embeds.append(discord.Embed(title=title, description=page, colour=COLOUR))
    if len(pages) > MAX_EMBEDS:
        embeds[-1].set_footer(text=_("More is stored than fits here: /mydata export has it all."))
    return embeds


def _status_line(profile: StyleProfile) -> str:
    """Whether style memory and personalisation are on, each as one whole sentence."""
    if profile.consent:
        day = _day(profile.consent_at)
        if profile.personalise:
            return _("**Style memory:** on since {day} · **personalisation:** on", day=day)
        return _("**Style memory:** on since {day} · **personalisation:** off", day=day)
    if profile.personalise:
        return _("**Style memory:** off (nothing new is learned) · **personalisation:** on")
    return _("**Style memory:** off (nothing new is learned) · **personalisation:** off")


def inspiration_embed(result: Inspiration) -> discord.Embed:
    title = _("Three prompts for you") if result.personalised else _("Three prompts")
    embed = discord.Embed(title=title, colour=COLOUR)
    for index, prompt in enumerate(result.prompts, start=1):
        embed.add_field(
            name=f"{index}. {_esc(prompt.title)}"[:256],
            value=_esc(prompt.text)[:1024],
            inline=False,
        )
    if result.palette:
        embed.add_field(name=_("Palette"), value=" ".join(f"`{c}`" for c in result.palette))
        embed.set_image(url="attachment://palette.png")
    medium = _medium_name(result.medium)
    if result.personalised:
        footer = _("Made for a {medium} server", medium=medium)
    else:
        footer = _(
            "Made for a {medium} server · /style optin to get prompts shaped by your own style",
            medium=medium,
        )
    embed.set_footer(text=footer)
    return embed


def _medium_name(medium: str) -> str:
    """The server's medium (a setting's value) as a word of the reply's language."""
    names = {
        "visual": pgettext("server medium", "visual"),
        "writing": pgettext("server medium", "writing"),
        "music": pgettext("server medium", "music"),
        "mixed": pgettext("server medium", "mixed"),
    }
    return names.get(medium, medium)


def _join(items: list[str]) -> str:
    return _esc(", ".join(items))[:1024] if items else "—"


def analysis_embed(result: Analysis) -> discord.Embed:
    if result.source == "text":
        title = _("Analysis of your text")
    else:
        title = _("Analysis of {source}", source=_esc(result.source))
    embed = discord.Embed(title=title[:256], colour=COLOUR)
    if result.model_failed:
        embed.description = _(
            "**The model could not analyse this text**: its answers were not words, even after "
            "a retry. Below is only what code can tell. The bundled model is tiny; for a real "
            "analysis, the server's admin can set `MUSE_MODEL_PATH` to a larger instruct model."
        )
    embed.add_field(name=_("Themes"), value=_join(result.themes), inline=False)
    embed.add_field(name=_("Motifs"), value=_join(result.motifs))
    embed.add_field(name=_("Imagery"), value=_join(result.imagery))
    embed.add_field(name=_("Tone"), value=_esc(result.tone)[:1024])
    embed.add_field(name=pgettext("poetic form", "Form"), value=_esc(result.form)[:1024])
    strengths = "\n".join(f"• {_esc(s)}" for s in result.strengths) or "—"
    embed.add_field(name=_("Strengths"), value=strengths[:1024], inline=False)
    remixes = "\n".join(f"{i}. {_esc(r)}" for i, r in enumerate(result.remixes, start=1))
    embed.add_field(name=_("Remix prompts"), value=remixes[:1024], inline=False)
    embed.set_footer(text=_analysis_footer(result))
    return embed


def _analysis_footer(result: Analysis) -> str:
    stats = result.stats
    words = ngettext("{n} word", "{n} words", stats.words)
    lines = ngettext("{n} line", "{n} lines", stats.lines)
    if result.truncated:
        return _(
            "{words} · {lines} · {shape} · long piece: I read the opening only · nothing was "
            "stored",
            words=words,
            lines=lines,
            shape=stats.shape,
        )
    return _(
        "{words} · {lines} · {shape} · nothing was stored",
        words=words,
        lines=lines,
        shape=stats.shape,
    )


def discover_embed(results: list[Recommendation], keywords: list[str]) -> discord.Embed:
    embed = discord.Embed(title=_("Community works for you"), colour=COLOUR)
    if not results:
        embed.description = _(
            "Nothing in this server's collection matches yet. Finished stories, prompt "
            "submissions and public lyrics appear here as members make them."
        )
    for rec in results:
        work = rec.work
        known = WORK_KINDS.get(work.kind)
        kind = str(known) if known is not None else work.kind
        day = _day(work.created_at)
        title = _esc(work.title)
        link = f"[{title}]({work.url})" if work.url else title
        excerpt = work.body.replace("\n", " ")
        excerpt = _esc(excerpt[:140] + ("…" if len(excerpt) > 140 else ""))
        if rec.matched:
            value = _(
                "{link} · matches {words}\n{excerpt}",
                link=link,
                words=", ".join(rec.matched),
                excerpt=excerpt,
            )
        else:
            value = f"{link}\n{excerpt}"
        if work.human_only:
            name = _("{kind} · human only · {day}", kind=kind, day=day)
        else:
            name = f"{kind} · {day}"
        embed.add_field(name=name[:256], value=value[:1024], inline=False)
    embed.set_footer(text=_("Looked for: {words}", words=", ".join(keywords[:12]))[:2048])
    return embed
