"""Members acting: posting messages, running slash commands and autocomplete, pressing
components and submitting modals, each sent to the bot as Discord's client would send it."""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .constants import JSON
from .core import SandboxCore
from .errors import SandboxError
from .handles import InteractionHandle
from .interaction_data import (
    SELECT_TYPES,
    AttachmentSpec,
    ChannelLike,
    MessageLike,
    UserLike,
    make_attachment,
    modal_submit_components,
    user_of,
)
from .routes import mentions_in
from .stored import StoredGuild, StoredInteraction, StoredMessage, iter_components

__all__ = ["SandboxActing"]

_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class SandboxActing(SandboxCore):
    """What members do; every interaction returns an :class:`InteractionHandle`."""

    async def user_message(
        self,
        channel: ChannelLike | None = None,
        user: UserLike | None = None,
        content: str = "",
        *,
        attachments: Sequence[AttachmentSpec] = (),
        reply_to: MessageLike | None = None,
    ) -> StoredMessage:
        """A member posts a message (MESSAGE_CREATE)."""
        stored_channel = self._resolve_channel(channel)
        author = user_of(user or self.members[0])
        member = self.state.member(stored_channel.guild_id, author.id)
        if stored_channel.guild_id is not None and member is None:
            raise SandboxError(f"{author.username} is not a member of that guild")
        message = StoredMessage(
            id=self.state.new_id(),
            channel_id=stored_channel.id,
            guild_id=stored_channel.guild_id,
            author=author,
            content=content,
            mentions=mentions_in(self.state, content),
        )
        message.attachments = [
            make_attachment(self.state, stored_channel.id, a) for a in attachments
        ]
        if reply_to is not None:
            ref_id = reply_to.id if isinstance(reply_to, StoredMessage) else reply_to
            message.type = 19
            message.message_reference = {
                "message_id": str(ref_id),
                "channel_id": str(stored_channel.id),
            }
        self.state.add_message(message)
        data = message.payload(member=member, bot_id=self.bot_user.id)
        await self.gateway.dispatch("MESSAGE_CREATE", data)
        return message

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: UserLike | None = None,
        guild: StoredGuild | None = None,
        channel: ChannelLike | None = None,
        check_lengths: bool = True,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Run ``/name`` (``"potd setup"`` for sub-commands) as the bot synced it.

        Options are validated against the synced definition (required, choices, ranges). Users,
        members, channels and roles may be given as sandbox objects; attachments as
        ``(filename, bytes)`` or ``(filename, bytes, content_type)``. ``check_lengths=False``
        plays a modified client that sends text outside the option's declared lengths (up to
        Discord's own 6,000), to check the bot's own re-check. ``locale`` is the language of
        the member's Discord client (``interaction.locale``), e.g. ``"zh-CN"``.
        """
        self._commands.client_checks_lengths = check_lengths
        try:
            data = self._commands.build(name, options or {}, guild, channel, focused=None)
        finally:
            self._commands.client_checks_lengths = True
        return await self._interact(2, data, user=user, guild=guild, channel=channel, locale=locale)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any] | None,
        focused: str,
        *,
        user: UserLike | None = None,
        guild: StoredGuild | None = None,
        channel: ChannelLike | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Type into option ``focused`` and return the choices the bot offers (callback 8)."""
        data = self._commands.build(name, options or {}, guild, channel, focused=focused)
        handle = await self._interact(4, data, user=user, guild=guild, channel=channel)
        response_type = await handle.acknowledged(timeout)
        if response_type != 8 or handle.choices is None:
            raise SandboxError(f"autocomplete answered with callback type {response_type}")
        return handle.choices

    async def click(
        self,
        message: MessageLike,
        custom_id: str,
        user: UserLike | None = None,
        *,
        values: Sequence[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Press a button (or choose ``values`` in a select menu) on a bot message."""
        stored = self._resolve_message(message)
        components = {c.get("custom_id"): c for c in iter_components(stored.components)}
        component = components.get(custom_id)
        if component is None:
            available = sorted(k for k in components if k)
            raise SandboxError(f"no component {custom_id!r} on message; has {available}")
        if component.get("disabled"):
            raise SandboxError(f"component {custom_id!r} is disabled")
        data: JSON = {"custom_id": custom_id, "component_type": int(component["type"])}
        if component["type"] in SELECT_TYPES:
            chosen = list(values or [])
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not low <= len(chosen) <= high:
                raise SandboxError(f"select {custom_id!r} takes {low}..{high} values")
            if component["type"] == 3:
                allowed = {o["value"] for o in component.get("options", [])}
                if not set(chosen) <= allowed:
                    raise SandboxError(f"values {chosen} not among the options {sorted(allowed)}")
            data["values"] = chosen
        elif values is not None:
            raise SandboxError(f"component {custom_id!r} is not a select menu")
        channel = self.state.channels[stored.channel_id]
        guild = self.state.guild_of(channel)
        return await self._interact(
            3, data, user=user, guild=guild, channel=channel, message=stored, locale=locale
        )

    async def submit_modal(
        self,
        source: InteractionHandle | JSON,
        values: Mapping[str, str | Sequence[str]],
        user: UserLike | None = None,
        *,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Fill in and submit the modal the bot opened (``source`` is the interaction that got
        callback type 9, or the modal payload)."""
        if isinstance(source, InteractionHandle):
            modal = source.modal
            if modal is None:
                raise SandboxError("that interaction was not answered with a modal")
            user = user or source.user
            channel = self.state.channels[source.stored.channel_id]
            message_id = source.stored.message_id
        else:
            modal = source
            channel = self.channel
            message_id = None
        components = modal_submit_components(modal, values)
        data = {"custom_id": modal["custom_id"], "components": components}
        message = self.state.messages.get(message_id) if message_id else None
        return await self._interact(
            5,
            data,
            user=user,
            guild=self.state.guild_of(channel),
            channel=channel,
            message=message,
            locale=locale,
        )

    # -- building interactions ----------------------------------------------------------------

    async def _interact(
        self,
        ix_type: int,
        data: JSON,
        *,
        user: UserLike | None,
        guild: StoredGuild | None,
        channel: ChannelLike | None,
        message: StoredMessage | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        if self.gateway.current is None:
            raise SandboxError("no bot is connected to the gateway")
        stored_channel = self._resolve_channel(channel)
        if guild is None:
            guild = self.state.guild_of(stored_channel)
        actor = user_of(user or self.members[0])
        ix_id = self.state.new_id()
        token = f"ix-{ix_id}-{secrets.token_urlsafe(16)}"
        bot_perms = guild.permissions_of(self.bot_user.id) if guild else 0
        payload: JSON = {
            "id": str(ix_id),
            "application_id": str(self.application_id),
            "type": ix_type,
            "data": data,
            "channel_id": str(stored_channel.id),
            "channel": stored_channel.payload(),
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": str(bot_perms),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": _ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            member = guild.members.get(actor.id)
            if member is None:
                raise SandboxError(f"{actor.username} is not a member of {guild.name}")
            payload["guild_id"] = str(guild.id)
            payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            # As Discord does: the member's permissions in the channel the interaction came from.
            permissions = guild.permissions_in(stored_channel, actor.id)
            payload["member"] = member.payload(permissions=permissions)
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
            payload["context"] = 0
        else:
            payload["user"] = actor.payload()
            payload["authorizing_integration_owners"] = {"0": str(actor.id)}
            payload["context"] = 1
        if message is not None:
            payload["message"] = message.payload(
                member=self.state.member(message.guild_id, message.author.id),
                bot_id=self.bot_user.id,
            )
        stored = StoredInteraction(
            id=ix_id,
            token=token,
            type=ix_type,
            channel_id=stored_channel.id,
            guild_id=guild.id if guild else None,
            user=actor,
            data=data,
            payload=payload,
            created_at=time.monotonic(),
            message_id=message.id if message else None,
        )
        self.state.interactions[ix_id] = stored
        self.state.interactions_by_token[token] = stored
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(self, stored)
