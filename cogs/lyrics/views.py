"""Buttons, selects and modals of the lyric studio.

Everything under a draft is a ``DynamicItem`` whose custom id carries the draft id, so it works
after a restart; the service checks that the member pressing it owns the draft.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.discord_io import (
    NO_PINGS,
    MuseInteraction,
    RecordButton,
    handle_interaction_error,
    holds_generation,
    use_interaction_locale,
)
from bot.i18n import _
from bot.services.bounds import record_id
from bot.services.lyrics import ANALYZE_LIMIT, Draft, DraftSummary

from .render import analysis_pages, draft_embeds

if TYPE_CHECKING:
    from bot.services.lyrics import LyricsService

__all__ = [
    "DYNAMIC_ITEMS",
    "AnalyzeModal",
    "ConfirmDeleteButton",
    "DeleteButton",
    "OpenDraftSelect",
    "RegenerateSelect",
    "RewriteLineButton",
    "RewriteLineModal",
    "SaveButton",
    "ShareButton",
    "draft_view",
    "drafts_list_view",
]


def _service(interaction: discord.Interaction[Any]) -> LyricsService:
    # Modal and item callbacks are typed by discord.py for any client; Muse's is a MuseBot.
    return cast("MuseInteraction", interaction).client.services.lyrics


def draft_view(draft: Draft, *, manage: bool = False) -> discord.ui.View:
    """The controls under a draft; ``manage`` adds Delete (in the member's private copy)."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegenerateSelect(draft.id, draft))
    view.add_item(RewriteLineButton(draft.id))
    view.add_item(SaveButton(draft.id, saved=draft.saved))
    if draft.saved:
        view.add_item(ShareButton(draft.id, public=draft.public))
    if manage:
        view.add_item(DeleteButton(draft.id))
    return view


def drafts_list_view(user_id: int, drafts: list[DraftSummary]) -> discord.ui.View | None:
    if not drafts:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(OpenDraftSelect(user_id, drafts))
    return view


async def _show(
    interaction: discord.Interaction, draft: Draft, *, status: str | None = None
) -> None:
    """Put the draft back on the message the control is on (after a deferred edit)."""
    manage = _is_managed(interaction)
    await interaction.edit_original_response(
        content=None,
        embeds=draft_embeds(draft, status=status),
        view=draft_view(draft, manage=manage),
        allowed_mentions=NO_PINGS,
    )


def _is_managed(interaction: discord.Interaction) -> bool:
    message = interaction.message
    if message is None:
        return False
    return any(
        getattr(child, "custom_id", "").startswith("muse:lyrics:del:")
        for row in message.components
        for child in getattr(row, "children", [])
    )


async def _busy(interaction: discord.Interaction, draft: Draft, note: str) -> None:
    """Acknowledge by showing what is being worked on, controls hidden meanwhile."""
    await interaction.response.edit_message(
        embeds=draft_embeds(draft, status=f"⏳ {note}"), view=None, allowed_mentions=NO_PINGS
    )


async def _restore(interaction: discord.Interaction, draft: Draft) -> None:
    with contextlib.suppress(discord.HTTPException):
        await _show(interaction, draft)


class RegenerateSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"muse:lyrics:regen:(?P<id>\d+)"
):
    def __init__(self, draft_id: int, draft: Draft | None = None) -> None:
        options = []
        if draft is not None:
            options = [
                discord.SelectOption(
                    label=_("Redraft the {section}", section=p.shown_label.lower())[:100],
                    value=p.key,
                )
                for p in draft.song.parts
            ][:25]
        super().__init__(
            discord.ui.Select(
                custom_id=f"muse:lyrics:regen:{draft_id}",
                placeholder=_("Regenerate a section…"),
                options=options or [discord.SelectOption(label="…", value="-")],
                row=0,
            )
        )
        self.draft_id = draft_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RegenerateSelect:
        return cls(int(match["id"]))

    @holds_generation
    async def callback(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        service = _service(interaction)
        draft: Draft | None = None
        try:
            draft = await service.owned(self.draft_id, interaction.user.id)
            key = self.item.values[0] if self.item.values else ""
            label = next((p.shown_label for p in draft.song.parts if p.key == key), None)
            section = label.lower() if label is not None else _("section")
            await _busy(interaction, draft, _("Redrafting the {section}…", section=section))
            new = await service.regenerate_part(self.draft_id, interaction.user.id, key)
            await _show(interaction, new, status=_("🔄 Redrafted the {section}.", section=section))
        except Exception as exc:
            if draft is not None and interaction.response.is_done():
                await _restore(interaction, draft)
            await handle_interaction_error(interaction, exc)


class RewriteLineButton(RecordButton, prefix="muse:lyrics:line"):
    def __init__(self, draft_id: int) -> None:
        super().__init__(draft_id, label=_("Rewrite a line"), emoji="✏️", row=1)

    async def run(self, interaction: MuseInteraction) -> None:
        draft = await _service(interaction).owned(self.record_id, interaction.user.id)
        await interaction.response.send_modal(RewriteLineModal(draft))


class RewriteLineModal(discord.ui.Modal):
    def __init__(self, draft: Draft) -> None:
        super().__init__(
            title=_("Rewrite a line"),
            timeout=900,
            custom_id=f"muse:lyrics:linemodal:{draft.id}",
        )
        self.draft = draft
        self.line: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=_("Line number (1–{last})", last=draft.total_lines),
            custom_id="line",
            placeholder=_("e.g. 3"),
            min_length=1,
            max_length=3,
        )
        self.hint: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=_("What should change? (optional)"),
            custom_id="hint",
            placeholder=_("e.g. more hopeful, mention the sea"),
            required=False,
            max_length=200,
        )
        self.add_item(self.line)
        self.add_item(self.hint)

    @holds_generation
    async def on_submit(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        service = _service(interaction)
        draft = self.draft
        try:
            draft = await service.owned(draft.id, interaction.user.id)
            number, _hint = service.check_line(draft, self.line.value, self.hint.value)
            await _busy(interaction, draft, _("Rewriting line {number}…", number=number))
            new = await service.rewrite_line(
                draft.id, interaction.user.id, number, self.hint.value or None
            )
            await _show(interaction, new, status=_("✏️ Rewrote line {number}.", number=number))
        except Exception as exc:
            if interaction.response.is_done():
                await _restore(interaction, draft)
            await handle_interaction_error(interaction, exc)


class SaveButton(RecordButton, prefix="muse:lyrics:save"):
    def __init__(self, draft_id: int, *, saved: bool = False) -> None:
        super().__init__(
            draft_id,
            label=_("Saved") if saved else _("Save"),
            emoji="✅" if saved else "💾",
            style=discord.ButtonStyle.success if not saved else discord.ButtonStyle.secondary,
            disabled=saved,
            row=1,
        )

    async def run(self, interaction: MuseInteraction) -> None:
        draft, _created = await _service(interaction).save(self.record_id, interaction.user.id)
        await interaction.response.edit_message(
            embeds=draft_embeds(draft),
            view=draft_view(draft, manage=_is_managed(interaction)),
            allowed_mentions=NO_PINGS,
        )
        await interaction.followup.send(
            _("Saved. Find it any time with `/lyrics drafts`; later changes to it are kept too."),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


class ShareButton(RecordButton, prefix="muse:lyrics:share"):
    def __init__(self, draft_id: int, *, public: bool = False) -> None:
        super().__init__(
            draft_id,
            label=_("Make private") if public else _("Share in /discover"),
            emoji="🔒" if public else "🌐",
            row=1,
        )

    async def run(self, interaction: MuseInteraction) -> None:
        service = _service(interaction)
        current = await service.owned(self.record_id, interaction.user.id)
        draft = await service.set_public(self.record_id, interaction.user.id, not current.public)
        await interaction.response.edit_message(
            embeds=draft_embeds(draft),
            view=draft_view(draft, manage=_is_managed(interaction)),
            allowed_mentions=NO_PINGS,
        )


class DeleteButton(RecordButton, prefix="muse:lyrics:del"):
    def __init__(self, draft_id: int) -> None:
        super().__init__(
            draft_id, label=_("Delete"), emoji="🗑️", style=discord.ButtonStyle.danger, row=1
        )

    async def run(self, interaction: MuseInteraction) -> None:
        draft = await _service(interaction).owned(self.record_id, interaction.user.id)
        view = discord.ui.View(timeout=None)
        view.add_item(ConfirmDeleteButton(draft.id))
        await interaction.response.send_message(
            _(
                "Delete **{title}** for good?",
                title=discord.utils.escape_markdown(draft.title),
            ),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


class ConfirmDeleteButton(RecordButton, prefix="muse:lyrics:delyes"):
    def __init__(self, draft_id: int) -> None:
        super().__init__(draft_id, label=_("Yes, delete it"), style=discord.ButtonStyle.danger)

    async def run(self, interaction: MuseInteraction) -> None:
        title = await _service(interaction).delete(self.record_id, interaction.user.id)
        await interaction.response.edit_message(
            content=_("Deleted **{title}**.", title=discord.utils.escape_markdown(title)),
            view=None,
            allowed_mentions=NO_PINGS,
        )


class OpenDraftSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"muse:lyrics:open:(?P<user>\d+)"
):
    def __init__(self, user_id: int, drafts: list[DraftSummary] | None = None) -> None:
        options = [
            discord.SelectOption(label=f"#{d.id} {d.title}"[:100], value=str(d.id))
            for d in (drafts or [])[:25]
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=f"muse:lyrics:open:{user_id}",
                placeholder=_("Open a draft…"),
                options=options or [discord.SelectOption(label="…", value="0")],
            )
        )
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenDraftSelect:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        try:
            value = self.item.values[0] if self.item.values else "0"
            draft_id = record_id(value) or 0
            # The service refuses anything that isn't the presser's own saved draft.
            draft = await _service(interaction).open(draft_id, interaction.user.id)
            await interaction.response.send_message(
                embeds=draft_embeds(draft),
                view=draft_view(draft, manage=True),
                ephemeral=True,
                allowed_mentions=NO_PINGS,
            )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


class AnalyzeModal(discord.ui.Modal):
    def __init__(self, *, share: bool) -> None:
        super().__init__(title=_("Analyze lyrics"), timeout=1800, custom_id="muse:lyrics:analyze")
        self.share = share
        self.lyrics: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=_("Your lyrics (blank lines between stanzas)"),
            custom_id="lyrics",
            style=discord.TextStyle.paragraph,
            max_length=ANALYZE_LIMIT,
        )
        self.add_item(self.lyrics)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await use_interaction_locale(interaction)
        try:
            analysis = await _service(interaction).analyze(self.lyrics.value)
            pages = analysis_pages(analysis)
            await interaction.response.send_message(
                embeds=pages[0], ephemeral=not self.share, allowed_mentions=NO_PINGS
            )
            for page in pages[1:]:
                await interaction.followup.send(
                    embeds=page, ephemeral=not self.share, allowed_mentions=NO_PINGS
                )
        except Exception as exc:
            await handle_interaction_error(interaction, exc)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RegenerateSelect,
    RewriteLineButton,
    SaveButton,
    ShareButton,
    DeleteButton,
    ConfirmDeleteButton,
    OpenDraftSelect,
)
