"""The language of an interaction: resolved once, then current for the rest of its task.

The command tree calls :func:`use_interaction_locale` before every slash command; a button or
modal callback calls it first thing (``RecordButton`` does it for its subclasses). After it, every
``_()`` in the cog, the renderers and the services it calls speaks the member's language.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.i18n import DEFAULT_LOCALE, normalize_locale, set_current_locale

__all__ = ["forget_interaction_locale", "interaction_locale", "use_interaction_locale"]

log = logging.getLogger(__name__)

_EXTRA = "muse_locale"


def interaction_locale(interaction: discord.Interaction[Any]) -> str | None:
    """The locale already resolved for this interaction, if any."""
    value = interaction.extras.get(_EXTRA)
    return value if isinstance(value, str) else None


def forget_interaction_locale(interaction: discord.Interaction[Any]) -> None:
    """Drop the resolved locale (a member just changed their setting): the next
    :func:`use_interaction_locale` resolves it afresh."""
    interaction.extras.pop(_EXTRA, None)


async def use_interaction_locale(interaction: discord.Interaction[Any]) -> str:
    """Resolve the reply language (member setting, client language, server default, English)
    and make it current for this task. Cheap to call twice: the first answer is kept."""
    known = interaction_locale(interaction)
    if known is None:
        known = await _resolve(interaction)
        interaction.extras[_EXTRA] = known
    set_current_locale(known)
    return known


async def _resolve(interaction: discord.Interaction[Any]) -> str:
    client_locale = _present(interaction.locale)
    services = getattr(interaction.client, "_services", None)
    language = getattr(services, "language", None)
    if language is None:  # not set up (yet): the client's language or English
        return normalize_locale(client_locale) or DEFAULT_LOCALE
    try:
        locale: str = await language.resolve(
            interaction.user.id, interaction.guild_id, client_locale
        )
    except Exception:  # the reply still goes out, in the best language known without storage
        log.warning("could not read the language settings", exc_info=True)
        return normalize_locale(client_locale) or DEFAULT_LOCALE
    return locale


def _present(locale: object) -> str | None:
    value = getattr(locale, "value", locale)
    return str(value) if value else None
