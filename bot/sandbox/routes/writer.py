"""Messages as the REST routes make and change them: validated, with mentions and attachments.

Message creates, edits, interaction responses and webhook follow-ups all go through
:class:`MessageWriter`, so Discord's rules (empty or over-long messages, ephemerality and the
"thinking" flag that only the server changes) hold the same everywhere.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ..constants import JSON, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING
from ..gateway import GatewayServer
from ..ids import iso_now
from ..limits import message_violation
from ..records import UploadedFile
from ..state import SandboxState
from ..stored import (
    MessageEdit,
    StoredAttachment,
    StoredChannel,
    StoredInteraction,
    StoredMessage,
    StoredUser,
)
from .base import ApiError, form_error, snowflake

__all__ = ["MessageWriter", "mentions_in"]

_MENTION = re.compile(r"<@!?(\d+)>")


def mentions_in(state: SandboxState, content: str) -> list[StoredUser]:
    """The known users ``content`` mentions, each once, in order."""
    found = []
    for raw in _MENTION.findall(content):
        user = state.users.get(int(raw))
        if user is not None and user not in found:
            found.append(user)
    return found


class MessageWriter:
    """Creates, edits and announces messages for the routes."""

    def __init__(self, state: SandboxState, gateway: GatewayServer) -> None:
        self.state = state
        self.gateway = gateway

    def message_payload(self, message: StoredMessage) -> JSON:
        member = self.state.member(message.guild_id, message.author.id)
        return message.payload(member=member, bot_id=self.state.bot_user.id)

    def mentions_in(self, content: str) -> list[StoredUser]:
        return mentions_in(self.state, content)

    def _attachments_from(
        self,
        channel_id: int,
        body: JSON,
        files: list[UploadedFile],
        *,
        keep: list[StoredAttachment],
    ) -> list[StoredAttachment] | None:
        """The attachment list a create/edit body asks for; None when it does not say."""
        by_field = {f.field_name: f for f in files}
        listed = body.get("attachments")
        if listed is None:
            if not files:
                return None
            listed = [{"id": i} for i in range(len(files))]
        result: list[StoredAttachment] = []
        existing = {a.id: a for a in keep}
        for entry in listed:
            raw_id = entry.get("id")
            upload = by_field.get(f"files[{raw_id}]")
            if upload is not None:
                result.append(
                    self.state.add_attachment(
                        channel_id,
                        entry.get("filename") or upload.filename,
                        upload.data,
                        upload.content_type,
                        description=entry.get("description"),
                    )
                )
            elif raw_id is not None and snowflake(str(raw_id)) in existing:
                result.append(existing[snowflake(str(raw_id))])
            else:
                raise form_error("attachments", f"Unknown attachment id {raw_id!r}")
        return result

    def _validate(self, message: StoredMessage) -> None:
        violation = message_violation(
            message.content, message.embeds, message.components, len(message.attachments)
        )
        if violation is not None:
            raise form_error(*violation, "BASE_TYPE_MAX_LENGTH")
        has_body = message.content or message.embeds or message.attachments or message.components
        if not has_body and not message.loading:
            raise ApiError(400, 50006, "Cannot send an empty message")

    def new_message(
        self,
        channel: StoredChannel,
        body: Any,
        files: list[UploadedFile],
        *,
        author: StoredUser,
        interaction: StoredInteraction | None = None,
        msg_type: int = 0,
        flags: int | None = None,
    ) -> StoredMessage:
        if not isinstance(body, dict):
            body = {}
        message = StoredMessage(
            id=self.state.new_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author,
            content=str(body.get("content") or ""),
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            flags=int(body.get("flags") or 0) if flags is None else flags,
            tts=bool(body.get("tts", False)),
            allowed_mentions=body.get("allowed_mentions"),
            message_reference=body.get("message_reference"),
            type=msg_type,
        )
        message.mentions = self.mentions_in(message.content)
        message.attachments = self._attachments_from(channel.id, body, files, keep=[]) or []
        if message.message_reference and msg_type == 0:
            message.type = 19
        if interaction is not None:
            message.webhook_id = self.state.application_id
            message.application_id = self.state.application_id
            message.interaction_id = interaction.id
            message.interaction_metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": {"0": str(interaction.guild_id or 0)},
                "name": interaction.data.get("name"),
            }
        self._validate(message)
        return self.state.add_message(message)

    def apply_edit(self, message: StoredMessage, body: Any, files: list[UploadedFile]) -> None:
        if not isinstance(body, dict):
            body = {}
        was_loading = message.loading
        if "content" in body:
            message.content = str(body["content"] or "")
            message.mentions = self.mentions_in(message.content)
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = list(body["components"] or [])
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        if "flags" in body and body["flags"] is not None:
            # Ephemerality cannot change after sending; the loading bit belongs to the server.
            keep = message.flags & (MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)
            new = int(body["flags"]) & ~(MESSAGE_FLAG_EPHEMERAL | MESSAGE_FLAG_LOADING)
            message.flags = keep | new
        attachments = self._attachments_from(
            message.channel_id, body, files, keep=message.attachments
        )
        if attachments is not None:
            message.attachments = attachments
        message.flags &= ~MESSAGE_FLAG_LOADING
        message.edits.append(MessageEdit(body=body, at=time.monotonic()))
        if not was_loading:
            message.edited_timestamp = iso_now()
        self._validate(message)

    async def dispatch_message(self, event: str, message: StoredMessage) -> None:
        if message.ephemeral:
            return
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
        else:
            data = self.message_payload(message)
        await self.gateway.dispatch(event, data)
