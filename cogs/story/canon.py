"""/story canon add|list|edit|remove: a story's shared canon (its lorebook).

The /story group is declared here, with its ``canon`` subgroup, so that these commands can live
beside the rest of /story (``cog.py``) without pushing it past the module size limit: the cog
inherits :class:`CanonCommands`, and discord.py binds every command of the group to the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from discord import app_commands
from discord.ext import commands

from bot.discord_io import MuseInteraction, actor_of, reply_private
from bot.i18n import _, pgettext
from bot.services.markdown import escape_line
from bot.services.story import (
    CANON_DESCRIPTION_LIMIT,
    CANON_NAME_LIMIT,
    CANON_TRIGGERS_OPTION_LIMIT,
    STORY_REF_LIMIT,
    CanonEntry,
)

from . import render

if TYPE_CHECKING:
    from bot.app import MuseBot

__all__ = ["CanonCommands", "canon_group", "story_group"]

story_group = app_commands.Group(
    name="story", description="Round-robin story chains", guild_only=True
)
canon_group = app_commands.Group(
    name="canon",
    description="The story's canon: characters, places, objects, rules and events",
    parent=story_group,
)

STORY_OPTION = "The story (default: the story of this thread)"
_StoryRef = app_commands.Range[str, 1, STORY_REF_LIMIT]
_Name = app_commands.Range[str, 1, CANON_NAME_LIMIT]
_Description = app_commands.Range[str, 1, CANON_DESCRIPTION_LIMIT]
_Triggers = app_commands.Range[str, 1, CANON_TRIGGERS_OPTION_LIMIT]
_Kind = Literal["character", "place", "object", "rule", "event"]
_TRIGGERS_HELP = (
    "Words that bring the entry into Muse's prompts besides its name, comma-separated (up to 8)"
)


async def _complete_story(
    interaction: MuseInteraction, current: str
) -> list[app_commands.Choice[str]]:
    stories = await interaction.client.services.story.suggest(interaction.guild_id, current, "any")
    return [app_commands.Choice(name=s.title[:100], value=str(s.id)) for s in stories]


async def _complete_entry(
    interaction: MuseInteraction, current: str
) -> list[app_commands.Choice[str]]:
    story = getattr(interaction.namespace, "story", None)
    entries = await interaction.client.services.story.suggest_canon(
        interaction.guild_id, story, interaction.channel_id, current
    )
    return [app_commands.Choice(name=e.name[:100], value=e.name[:100]) for e in entries]


def _said(entry: CanonEntry) -> str:
    return f"**{escape_line(entry.name)}** ({pgettext('choice', entry.kind)})"


class CanonCommands(commands.Cog):
    """The canon subcommands of /story: the story cog's base (never added as a cog itself)."""

    bot: MuseBot

    @canon_group.command(name="add")
    @app_commands.describe(
        kind="What the entry is about",
        name=f"Its name (up to {CANON_NAME_LIMIT} characters)",
        description=f"What the writers agree on about it (up to {CANON_DESCRIPTION_LIMIT})",
        triggers=_TRIGGERS_HELP,
        story=STORY_OPTION,
    )
    @app_commands.autocomplete(story=_complete_story)
    async def canon_add(
        self,
        interaction: MuseInteraction,
        kind: _Kind,
        name: _Name,
        description: _Description,
        triggers: _Triggers | None = None,
        story: _StoryRef | None = None,
    ) -> None:
        """Add a character, place, object, rule or event to a story's canon."""
        entry = await self.bot.services.story.add_canon(
            actor_of(interaction),
            story,
            kind=kind,
            name=name,
            description=description,
            triggers=triggers,
        )
        await reply_private(
            interaction,
            _(
                "📚 {entry} is in the canon. Muse keeps it in mind when it comes up.",
                entry=_said(entry),
            ),
        )

    @canon_group.command(name="list")
    @app_commands.describe(story=STORY_OPTION)
    @app_commands.autocomplete(story=_complete_story)
    async def canon_list(
        self, interaction: MuseInteraction, story: _StoryRef | None = None
    ) -> None:
        """Every entry of a story's canon."""
        record, entries = await self.bot.services.story.canon_of(
            interaction.guild_id, story, interaction.channel_id
        )
        await reply_private(interaction, embed=render.canon_embed(record, entries))

    @canon_group.command(name="edit")
    @app_commands.describe(
        entry="The entry to change",
        kind="What it is about now",
        name="Its new name",
        description="Its new description",
        triggers="Its new trigger words, comma-separated (just a comma: none)",
        story=STORY_OPTION,
    )
    @app_commands.autocomplete(story=_complete_story, entry=_complete_entry)
    async def canon_edit(
        self,
        interaction: MuseInteraction,
        entry: _Name,
        kind: _Kind | None = None,
        name: _Name | None = None,
        description: _Description | None = None,
        triggers: _Triggers | None = None,
        story: _StoryRef | None = None,
    ) -> None:
        """Change a canon entry (its author, the story's starter or Manage Messages)."""
        changed = await self.bot.services.story.edit_canon(
            actor_of(interaction),
            story,
            entry,
            kind=kind,
            name=name,
            description=description,
            triggers=triggers,
        )
        await reply_private(interaction, _("📚 {entry} is updated.", entry=_said(changed)))

    @canon_group.command(name="remove")
    @app_commands.describe(entry="The entry to remove", story=STORY_OPTION)
    @app_commands.autocomplete(story=_complete_story, entry=_complete_entry)
    async def canon_remove(
        self, interaction: MuseInteraction, entry: _Name, story: _StoryRef | None = None
    ) -> None:
        """Remove a canon entry (its author, the story's starter or Manage Messages)."""
        removed = await self.bot.services.story.remove_canon(actor_of(interaction), story, entry)
        await reply_private(interaction, _("🗑️ {entry} is out of the canon.", entry=_said(removed)))
