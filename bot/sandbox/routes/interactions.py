"""Interaction callbacks and the interaction webhooks (follow-ups, ``@original`` edits).

Discord's rules a bot must meet: a callback later than the interaction timeout (3 s) or a second
one is refused; the callback type must suit the interaction; the first follow-up after a
"thinking" defer replaces the placeholder; the webhook token lives 15 minutes.
"""

from __future__ import annotations

from typing import Any

from ..constants import JSON, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING
from ..limits import modal_violation
from ..stored import StoredInteraction, StoredMessage
from .base import AddRoute, ApiError, Request, RouteContext, RouteGroup, form_error, snowflake
from .writer import MessageWriter

__all__ = ["ALLOWED_CALLBACKS", "WEBHOOK_TOKEN_LIFETIME", "InteractionRoutes"]

WEBHOOK_TOKEN_LIFETIME = 15 * 60.0

# Interaction callback types each interaction type may answer with.
ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    2: frozenset({4, 5, 9}),
    3: frozenset({4, 5, 6, 7, 9}),
    4: frozenset({8}),
    5: frozenset({4, 5, 6, 7}),
}


class InteractionRoutes(RouteGroup):
    """``/interactions/{id}/{token}/callback`` and ``/webhooks/{application_id}/{token}/...``."""

    def __init__(self, ctx: RouteContext, writer: MessageWriter) -> None:
        super().__init__(ctx)
        self.writer = writer

    def register(self, add: AddRoute) -> None:
        add(
            "POST",
            "/interactions/{interaction_id}/{token}/callback",
            self._interaction_callback,
            auth=False,
        )
        add("POST", "/webhooks/{webhook_id}/{token}", self._webhook_execute, auth=False)
        webhook_message = "/webhooks/{webhook_id}/{token}/messages/{message_id}"
        add("GET", webhook_message, self._webhook_get, auth=False)
        add("PATCH", webhook_message, self._webhook_edit, auth=False)
        add("DELETE", webhook_message, self._webhook_delete, auth=False)

    async def _interaction_callback(self, req: Request) -> tuple[int, Any]:
        ix = self.state.interactions.get(snowflake(req.params["interaction_id"]))
        if ix is None or ix.token != req.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if req.at - ix.created_at > self.ctx.interaction_timeout:
            raise ApiError(404, 10062, "Unknown interaction")
        if ix.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = req.body if isinstance(req.body, dict) else {}
        cb_type = int(body.get("type", 0))
        if cb_type not in ALLOWED_CALLBACKS.get(ix.type, frozenset()):
            raise form_error("type", f"Callback type {cb_type} is not valid here")
        if cb_type in (6, 7) and ix.message_id is None:
            raise form_error("type", "No message to update for this interaction")
        data = body.get("data") or {}
        channel = self.state.channels[ix.channel_id]
        message: StoredMessage | None = None
        if cb_type == 4:
            msg_type = 20 if ix.type == 2 else 0
            message = self.writer.new_message(
                channel,
                data,
                req.files,
                author=self.state.bot_user,
                interaction=ix,
                msg_type=msg_type,
            )
            ix.original_message_id = message.id
            await self.writer.dispatch_message("MESSAGE_CREATE", message)
        elif cb_type == 5:
            ephemeral = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            ix.deferred_ephemeral = bool(ephemeral)
            message = self.writer.new_message(
                channel,
                {},
                [],
                author=self.state.bot_user,
                interaction=ix,
                msg_type=20 if ix.type == 2 else 0,
                flags=MESSAGE_FLAG_LOADING | ephemeral,
            )
            ix.original_message_id = message.id
            await self.writer.dispatch_message("MESSAGE_CREATE", message)
        elif cb_type == 6:
            ix.original_message_id = ix.message_id
        elif cb_type == 7:
            assert ix.message_id is not None
            message = self.state.messages[ix.message_id]
            self.writer.apply_edit(message, data, req.files)
            ix.original_message_id = message.id
            await self.writer.dispatch_message("MESSAGE_UPDATE", message)
        elif cb_type == 8:
            choices = data.get("choices")
            if not isinstance(choices, list) or len(choices) > 25:
                raise form_error("data.choices", "Must be a list of at most 25 choices")
            ix.choices = choices
        elif cb_type == 9:
            if not data.get("custom_id") or not data.get("title"):
                raise form_error("data", "A modal needs a custom_id and a title")
            if (violation := modal_violation(data)) is not None:
                raise form_error(*violation, "BASE_TYPE_MAX_LENGTH")
            ix.modal = data
        ix.acknowledged_at = req.at
        ix.response_type = cb_type
        ix.response_body = body
        if req.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        answer: JSON = {
            "interaction": {
                "id": str(ix.id),
                "type": ix.type,
                "activity_instance_id": None,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": bool(message and message.loading),
                "response_message_ephemeral": bool(message and message.ephemeral),
            }
        }
        if message is not None:
            answer["resource"] = {"type": cb_type, "message": self.writer.message_payload(message)}
        return 200, answer

    def _webhook_interaction(self, req: Request) -> StoredInteraction:
        if snowflake(req.params["webhook_id"]) != self.state.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        ix = self.state.interactions_by_token.get(req.params["token"])
        if ix is None or not ix.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        if req.at - ix.created_at > WEBHOOK_TOKEN_LIFETIME:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return ix

    def _webhook_message(self, req: Request, ix: StoredInteraction) -> StoredMessage:
        raw = req.params["message_id"]
        if raw == "@original":
            message_id = ix.original_message_id
        else:
            message_id = snowflake(raw)
            if message_id != ix.original_message_id and message_id not in ix.followup_ids:
                message_id = None
        message = self.state.messages.get(message_id) if message_id else None
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _webhook_execute(self, req: Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        body = req.body if isinstance(req.body, dict) else {}
        original = (
            self.state.messages.get(ix.original_message_id) if ix.original_message_id else None
        )
        if original is not None and original.loading and not ix.followup_ids:
            # The first follow-up after a "thinking" defer replaces the placeholder.
            self.writer.apply_edit(original, body, req.files)
            original.edited_timestamp = None
            message = original
            await self.writer.dispatch_message("MESSAGE_UPDATE", message)
        else:
            channel = self.state.channels[ix.channel_id]
            message = self.writer.new_message(
                channel, body, req.files, author=self.state.bot_user, interaction=ix
            )
            ix.followup_ids.append(message.id)
            await self.writer.dispatch_message("MESSAGE_CREATE", message)
        if req.query.get("wait") in ("0", "false", "False"):
            return 204, None
        return 200, self.writer.message_payload(message)

    async def _webhook_get(self, req: Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        return 200, self.writer.message_payload(self._webhook_message(req, ix))

    async def _webhook_edit(self, req: Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        message = self._webhook_message(req, ix)
        self.writer.apply_edit(message, req.body, req.files)
        await self.writer.dispatch_message("MESSAGE_UPDATE", message)
        return 200, self.writer.message_payload(message)

    async def _webhook_delete(self, req: Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        message = self._webhook_message(req, ix)
        message.deleted = True
        await self.writer.dispatch_message("MESSAGE_DELETE", message)
        return 204, None
