"""The Discord side of the fair share: every interaction that starts a generation takes a lease.

* slash commands: ``@generation_limited()`` is an app-command check (it runs before the command,
  so a refusal writes nothing); the command tree releases the lease when the interaction ends,
  however it ends;
* buttons and modals: ``@holds_generation`` on their ``run``/``on_submit`` takes the lease before
  the body and releases it after.

The limiter itself (:class:`bot.services.fairness.FairShare`) lives in the services; a bot that
has none (a test client) lets everything through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands

from bot.i18n import _
from bot.services.fairness import FairShare, RateLimited

__all__ = [
    "GenerationRefused",
    "admit_generation",
    "fair_share_of",
    "generation_limited",
    "holds_generation",
    "rate_limited_message",
    "refund_generation",
    "release_generation",
]

P = ParamSpec("P")
S = TypeVar("S")
T = TypeVar("T")
InteractionT = TypeVar("InteractionT", bound="discord.Interaction[Any]")


def fair_share_of(client: Any) -> FairShare | None:
    try:
        services = client.services
    except (AttributeError, RuntimeError):
        return None
    limiter = getattr(services, "fair_share", None)
    return limiter if isinstance(limiter, FairShare) else None


def admit_generation(interaction: discord.Interaction) -> None:
    """Take this interaction's lease, or raise :class:`RateLimited` (nothing written yet)."""
    limiter = fair_share_of(interaction.client)
    if limiter is not None:
        limiter.admit(interaction.id, user_id=interaction.user.id, guild_id=interaction.guild_id)


def release_generation(interaction: discord.Interaction) -> None:
    limiter = fair_share_of(interaction.client)
    if limiter is not None:
        limiter.release(interaction.id)


def refund_generation(interaction: discord.Interaction) -> None:
    limiter = fair_share_of(interaction.client)
    if limiter is not None:
        limiter.refund(interaction.id)


def rate_limited_message(error: RateLimited, now: datetime | None = None) -> str:
    """The refusal with a Discord relative timestamp ("in 12 seconds"), which every member's
    client renders in their own language and keeps counting down."""
    when = (now or datetime.now(UTC)) + timedelta(seconds=error.retry_after)
    return _("{lead} {when}.", lead=error.lead, when=discord.utils.format_dt(when, "R"))


class GenerationRefused(app_commands.CheckFailure):
    """A check failure carrying the limiter's refusal (the tree routes check failures only)."""

    def __init__(self, refusal: RateLimited) -> None:
        self.refusal = refusal
        super().__init__(refusal.user_message)


def generation_limited() -> Callable[[T], T]:
    """App-command check: the command starts a generation, so it needs a lease."""

    async def predicate(interaction: discord.Interaction) -> bool:
        try:
            admit_generation(interaction)
        except RateLimited as refused:
            raise GenerationRefused(refused) from refused
        return True

    return app_commands.check(predicate)


def holds_generation(
    func: Callable[Concatenate[S, InteractionT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[S, InteractionT, P], Coroutine[Any, Any, None]]:
    """For a component's ``callback``/``run`` or a modal's ``on_submit``: hold a lease around
    the body. A refusal is answered privately here, before the body runs."""

    @functools.wraps(func)
    async def wrapper(
        self: S, interaction: InteractionT, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        try:
            admit_generation(interaction)
        except RateLimited as refused:
            from .tree import handle_interaction_error  # the tree imports this module

            await handle_interaction_error(interaction, refused)
            return
        try:
            await func(self, interaction, *args, **kwargs)
        finally:
            release_generation(interaction)

    return wrapper
