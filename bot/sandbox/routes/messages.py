"""Channel and message routes: channels, messages, reactions, pins and threads.

Creates honour ``enforce_nonce`` (a repeated nonce answers the message already made), ephemeral
flags need an interaction, and a locked thread refuses new messages, as on Discord.
"""

from __future__ import annotations

from typing import Any

from ..constants import JSON, MESSAGE_FLAG_EPHEMERAL
from ..stored import StoredChannel, StoredMessage
from .base import (
    AddRoute,
    ApiError,
    Request,
    RouteContext,
    RouteGroup,
    form_error,
    no_content,
    snowflake,
)
from .writer import MessageWriter

__all__ = ["MessageRoutes"]


class MessageRoutes(RouteGroup):
    """``/channels/...``: what a bot reads, posts, edits and deletes in channels and threads."""

    def __init__(self, ctx: RouteContext, writer: MessageWriter) -> None:
        super().__init__(ctx)
        self.writer = writer

    def register(self, add: AddRoute) -> None:
        add("GET", "/channels/{channel_id}", self._get_channel)
        add("PATCH", "/channels/{channel_id}", self._edit_channel)
        add("GET", "/channels/{channel_id}/messages", self._list_messages)
        add("POST", "/channels/{channel_id}/messages", self._create_message)
        add("POST", "/channels/{channel_id}/messages/bulk-delete", self._bulk_delete)
        add("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message)
        add("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message)
        add("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message)
        reaction = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me"
        add("PUT", reaction, self._add_reaction)
        add("DELETE", reaction, self._remove_reaction)
        add("POST", "/channels/{channel_id}/typing", no_content)
        add("PUT", "/channels/{channel_id}/messages/pins/{message_id}", self._pin)
        add("DELETE", "/channels/{channel_id}/messages/pins/{message_id}", self._unpin)
        add("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._thread_from_msg)
        add("POST", "/channels/{channel_id}/threads", self._thread_standalone)
        add("PUT", "/channels/{channel_id}/thread-members/@me", no_content)
        add("DELETE", "/channels/{channel_id}/thread-members/@me", no_content)

    def _channel(self, channel_id: str) -> StoredChannel:
        channel = self.state.channels.get(snowflake(channel_id))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel: StoredChannel, message_id: str) -> StoredMessage:
        message = self.state.messages.get(snowflake(message_id))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _get_channel(self, req: Request) -> tuple[int, Any]:
        return 200, self._channel(req.params["channel_id"]).payload()

    async def _edit_channel(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration"):
            if key in body:
                setattr(channel, key, body[key])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.gateway.dispatch(event, channel.payload())
        return 200, channel.payload()

    async def _list_messages(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        limit = min(int(req.query.get("limit", 50)), 100)
        messages = sorted(self.state.messages_in(channel.id), key=lambda m: m.id, reverse=True)
        if "before" in req.query:
            messages = [m for m in messages if m.id < int(req.query["before"])]
        if "after" in req.query:
            messages = [m for m in messages if m.id > int(req.query["after"])]
            messages = sorted(messages, key=lambda m: m.id)[:limit]
            messages.reverse()
        visible = [m for m in messages if not m.ephemeral][:limit]
        return 200, [self.writer.message_payload(m) for m in visible]

    async def _create_message(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        if channel.is_thread and channel.locked:
            raise ApiError(403, 50083, "Thread is archived")
        channel.archived = False
        body = req.body if isinstance(req.body, dict) else {}
        if body.get("flags") and int(body["flags"]) & MESSAGE_FLAG_EPHEMERAL:
            raise form_error("flags", "Ephemeral messages need an interaction")
        nonce = str(body["nonce"]) if body.get("nonce") is not None else None
        author_id = self.state.bot_user.id
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self.ctx.nonces.find(author_id, nonce)
            if earlier is not None and earlier in self.state.messages:
                # Discord answers a repeated nonce with the message it already made.
                return 200, {
                    **self.writer.message_payload(self.state.messages[earlier]),
                    "nonce": nonce,
                }
        message = self.writer.new_message(channel, body, req.files, author=self.state.bot_user)
        if nonce is not None:
            message.nonce = nonce
            self.ctx.nonces.remember(author_id, nonce, message.id)
        await self.writer.dispatch_message("MESSAGE_CREATE", message)
        payload = self.writer.message_payload(message)
        if nonce is not None:
            payload["nonce"] = nonce  # in the create's answer only, as on Discord
        return 200, payload

    async def _get_message(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        return 200, self.writer.message_payload(self._message(channel, req.params["message_id"]))

    async def _edit_message(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        if message.author.id != self.state.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.writer.apply_edit(message, req.body, req.files)
        await self.writer.dispatch_message("MESSAGE_UPDATE", message)
        return 200, self.writer.message_payload(message)

    async def _delete_message(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        message.deleted = True
        await self.writer.dispatch_message("MESSAGE_DELETE", message)
        return 204, None

    async def _bulk_delete(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        for raw in body.get("messages", []):
            message = self._message(channel, str(raw))
            message.deleted = True
            await self.writer.dispatch_message("MESSAGE_DELETE", message)
        return 204, None

    async def _add_reaction(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        emoji = req.params["emoji"]
        message.reactions.setdefault(emoji, set()).add(self.state.bot_user.id)
        data: JSON = {
            "user_id": str(self.state.bot_user.id),
            "channel_id": str(channel.id),
            "message_id": str(message.id),
            "emoji": {"id": None, "name": emoji},
            "burst": False,
            "type": 0,
        }
        if channel.guild_id:
            data["guild_id"] = str(channel.guild_id)
        await self.gateway.dispatch("MESSAGE_REACTION_ADD", data)
        return 204, None

    async def _remove_reaction(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        message.reactions.get(req.params["emoji"], set()).discard(self.state.bot_user.id)
        return 204, None

    async def _pin(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._message(channel, req.params["message_id"]).pinned = True
        return 204, None

    async def _unpin(self, req: Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._message(channel, req.params["message_id"]).pinned = False
        return 204, None

    async def _create_thread(
        self, parent: StoredChannel, body: Any, *, thread_id: int | None, type_: int
    ) -> StoredChannel:
        if parent.guild_id is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not isinstance(body, dict) or not body.get("name"):
            raise form_error("name", "This field is required", "BASE_TYPE_REQUIRED")
        thread = self.state.add_channel(
            self.state.guilds[parent.guild_id],
            str(body["name"])[:100],
            type=type_,
            parent_id=parent.id,
            owner_id=self.state.bot_user.id,
            channel_id=thread_id,
        )
        thread.auto_archive_duration = int(body.get("auto_archive_duration") or 1440)
        await self.gateway.dispatch("THREAD_CREATE", thread.payload() | {"newly_created": True})
        return thread

    async def _thread_from_msg(self, req: Request) -> tuple[int, Any]:
        parent = self._channel(req.params["channel_id"])
        message = self._message(parent, req.params["message_id"])
        if message.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = await self._create_thread(parent, req.body, thread_id=message.id, type_=11)
        message.thread_id = thread.id
        return 201, thread.payload()

    async def _thread_standalone(self, req: Request) -> tuple[int, Any]:
        parent = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        thread = await self._create_thread(
            parent, body, thread_id=None, type_=int(body.get("type") or 11)
        )
        return 201, thread.payload()
