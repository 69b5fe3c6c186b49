"""The sandbox's REST API (v10): the routes discord.py calls, answered the way Discord answers.

Every request is recorded as a :class:`~bot.sandbox.records.RecordedCall`, including requests to
routes the sandbox does not know (404, ``unknown_route=True``). Responses carry exactly
``Content-Type: application/json``: discord.py decodes a body as JSON only on that exact string.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .constants import JSON, MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING
from .faults import Fault, NonceLedger
from .gateway import GatewayServer
from .ids import iso_now
from .limits import message_violation, modal_violation
from .records import ChangeSignal, RecordedCall, UploadedFile
from .state import SandboxState
from .stored import (
    MessageEdit,
    StoredAttachment,
    StoredChannel,
    StoredCommand,
    StoredInteraction,
    StoredMessage,
    StoredUser,
)

__all__ = ["ApiError", "RateLimitRule", "RestServer", "json_response"]

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
WEBHOOK_TOKEN_LIFETIME = 15 * 60.0

# Interaction callback types each interaction type may answer with.
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    2: frozenset({4, 5, 9}),
    3: frozenset({4, 5, 6, 7, 9}),
    4: frozenset({8}),
    5: frozenset({4, 5, 6, 7}),
}
_EDIT_ROUTES = frozenset(
    {
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "PATCH /webhooks/{webhook_id}/{token}/messages/{message_id}",
    }
)
_MENTION = re.compile(r"<@!?(\d+)>")


class ApiError(Exception):
    """A Discord-style JSON error answer."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        data: JSON = {"code": self.code, "message": self.message}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def _form_error(field_name: str, message: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
    return ApiError(
        400,
        50035,
        "Invalid Form Body",
        {field_name: {"_errors": [{"code": code, "message": message}]}},
    )


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> web.Response:
    """A response discord.py will decode: the content type must be exactly application/json."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    if status == 204 or data is None:
        return web.Response(status=204, headers=headers)
    return web.Response(status=status, body=json.dumps(data).encode(), headers=all_headers)


@dataclass
class RateLimitRule:
    """Answer every ``every_n``-th message edit with a 429."""

    every_n: int
    retry_after: float = 0.05
    is_global: bool = False
    seen: int = 0
    hits: int = 0


@dataclass
class _Request:
    method: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[UploadedFile]
    at: float
    user_agent: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


_Handler = Callable[[_Request], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: _Handler
    auth: bool


class RestServer:
    """Routes ``/api/v10/...`` requests to handlers that read and change the sandbox state."""

    def __init__(
        self,
        state: SandboxState,
        gateway: GatewayServer,
        signal: ChangeSignal,
        *,
        gateway_url: Callable[[], str],
        interaction_timeout: float = 3.0,
        shard_count: int = 1,
    ) -> None:
        self.state = state
        self.shard_count = shard_count
        self.gateway = gateway
        self.signal = signal
        self.gateway_url = gateway_url
        self.interaction_timeout = interaction_timeout
        self.calls: list[RecordedCall] = []
        self.edit_rate_limit: RateLimitRule | None = None
        self.faults: list[Fault] = []
        self.nonces = NonceLedger()
        self._routes: list[_Route] = []
        self._register_routes()

    # -- plumbing ---------------------------------------------------------------------------

    def _add(self, method: str, template: str, handler: _Handler, *, auth: bool = True) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append(_Route(method, template, re.compile(f"^{regex}$"), handler, auth))

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        path = "/" + request.match_info.get("tail", "")
        body, files = await _read_body(request)
        call = RecordedCall(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            at=at,
        )
        matched = self._match(request.method, path)
        headers: dict[str, str] = {}
        fault = next((f for f in self.faults if f.matches(request.method, path)), None)
        if fault is not None:
            fault.hit()
            call.faulted = True
            call.route = matched[0].template if matched is not None else None
            if not fault.drop:
                status, data, headers = fault.answer()
                call.status, call.response = status, data
                self.calls.append(call)
                self.signal.notify()
                return json_response(status, data, headers)
            if not fault.after_effect or matched is None:
                return self._drop(request, call)
        try:
            if matched is None:
                call.unknown_route = True
                _log.warning("sandbox: unknown route %s %s", request.method, path)
                raise ApiError(404, 0, "404: Not Found")
            route, params = matched
            call.route = route.template
            if route.auth and request.headers.get("Authorization") != f"Bot {self.state.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            limited = self._rate_limited(f"{route.method} {route.template}")
            if limited is not None:
                call.rate_limited = True
                status, data, headers = limited
            else:
                req = _Request(request.method, params, dict(request.query), body, files, at)
                status, data = await route.handler(req)
                headers = req.extra_headers
        except ApiError as exc:
            status, data = exc.status, exc.body()
        except Exception as exc:
            _log.exception("sandbox handler crashed on %s %s", request.method, path)
            status, data = 500, {"code": 0, "message": f"sandbox error: {exc!r}"}
        call.status = status
        call.response = data
        if fault is not None:  # a drop after the request took effect: the answer is lost
            return self._drop(request, call)
        self.calls.append(call)
        self.signal.notify()
        return json_response(status, data, headers)

    def _drop(self, request: web.Request, call: RecordedCall) -> web.StreamResponse:
        """Close the connection without an answer (the client sees a disconnect)."""
        call.dropped = True
        self.calls.append(call)
        self.signal.notify()
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=204)

    async def handle_attachment(self, request: web.Request) -> web.StreamResponse:
        attachment = self.state.attachments.get(int(request.match_info["attachment_id"]))
        if attachment is None:
            return web.Response(status=404)
        return web.Response(body=attachment.data, headers={"Content-Type": attachment.content_type})

    def _rate_limited(self, route_key: str) -> tuple[int, JSON, dict[str, str]] | None:
        rule = self.edit_rate_limit
        if rule is None or route_key not in _EDIT_ROUTES:
            return None
        rule.seen += 1
        if rule.seen % rule.every_n != 0:
            return None
        rule.hits += 1
        retry = rule.retry_after
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry:.3f}",
            "X-RateLimit-Reset-After": f"{retry:.3f}",
            "X-RateLimit-Bucket": "sandbox-message-edit",
            "X-RateLimit-Scope": "global" if rule.is_global else "user",
            "Retry-After": str(max(1, round(retry))),
            # discord.py treats a 429 without Via as a Cloudflare ban and does not retry.
            "Via": "1.1 google",
        }
        if rule.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry,
            "global": rule.is_global,
            "code": 0,
        }
        return 429, body, headers

    # -- helpers ----------------------------------------------------------------------------

    def _channel(self, channel_id: str) -> StoredChannel:
        channel = self.state.channels.get(_snowflake(channel_id))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel: StoredChannel, message_id: str) -> StoredMessage:
        message = self.state.messages.get(_snowflake(message_id))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    def _message_payload(self, message: StoredMessage) -> JSON:
        member = self.state.member(message.guild_id, message.author.id)
        return message.payload(member=member, bot_id=self.state.bot_user.id)

    def mentions_in(self, content: str) -> list[StoredUser]:
        found = []
        for raw in _MENTION.findall(content):
            user = self.state.users.get(int(raw))
            if user is not None and user not in found:
                found.append(user)
        return found

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
            elif raw_id is not None and _snowflake(str(raw_id)) in existing:
                result.append(existing[_snowflake(str(raw_id))])
            else:
                raise _form_error("attachments", f"Unknown attachment id {raw_id!r}")
        return result

    def _validate(self, message: StoredMessage) -> None:
        violation = message_violation(
            message.content, message.embeds, message.components, len(message.attachments)
        )
        if violation is not None:
            raise _form_error(*violation, "BASE_TYPE_MAX_LENGTH")
        has_body = message.content or message.embeds or message.attachments or message.components
        if not has_body and not message.loading:
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _new_message(
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

    def _apply_edit(self, message: StoredMessage, body: Any, files: list[UploadedFile]) -> None:
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

    async def _dispatch_message(self, event: str, message: StoredMessage) -> None:
        if message.ephemeral:
            return
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id:
                data["guild_id"] = str(message.guild_id)
        else:
            data = self._message_payload(message)
        await self.gateway.dispatch(event, data)

    # -- routes -----------------------------------------------------------------------------

    def _register_routes(self) -> None:
        add = self._add
        add("GET", "/gateway", self._get_gateway, auth=False)
        add("GET", "/gateway/bot", self._get_gateway_bot)
        add("GET", "/users/@me", self._get_me)
        add("GET", "/users/{user_id}", self._get_user)
        add("POST", "/users/@me/channels", self._create_dm)
        add("GET", "/applications/@me", self._get_application)
        add("GET", "/oauth2/applications/@me", self._get_application)
        add("GET", "/applications/{app_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/commands", self._put_commands)
        add("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands)
        add("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands)
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
        add("POST", "/channels/{channel_id}/typing", self._no_content)
        add("PUT", "/channels/{channel_id}/messages/pins/{message_id}", self._pin)
        add("DELETE", "/channels/{channel_id}/messages/pins/{message_id}", self._unpin)
        add("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._thread_from_msg)
        add("POST", "/channels/{channel_id}/threads", self._thread_standalone)
        add("PUT", "/channels/{channel_id}/thread-members/@me", self._no_content)
        add("DELETE", "/channels/{channel_id}/thread-members/@me", self._no_content)
        add("GET", "/guilds/{guild_id}", self._get_guild)
        add("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        add("GET", "/guilds/{guild_id}/roles", self._get_roles)
        add("GET", "/guilds/{guild_id}/members", self._list_members)
        add("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)
        add("DELETE", "/guilds/{guild_id}/members/{user_id}", self._kick_member)
        member_role = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"
        add("PUT", member_role, self._add_member_role)
        add("DELETE", member_role, self._remove_member_role)
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

    async def _no_content(self, req: _Request) -> tuple[int, Any]:
        return 204, None

    async def _get_gateway(self, req: _Request) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url()}

    async def _get_gateway_bot(self, req: _Request) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url(),
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 86_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, req: _Request) -> tuple[int, Any]:
        return 200, self.state.bot_user.payload() | {"verified": True, "mfa_enabled": False}

    async def _get_user(self, req: _Request) -> tuple[int, Any]:
        user = self.state.users.get(_snowflake(req.params["user_id"]))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return 200, user.payload()

    async def _create_dm(self, req: _Request) -> tuple[int, Any]:
        body = req.body if isinstance(req.body, dict) else {}
        user = self.state.users.get(_snowflake(str(body.get("recipient_id"))))
        if user is None:
            raise ApiError(400, 50007, "Cannot send messages to this user")
        return 200, self.state.dm_channel_with(user).payload()

    async def _get_application(self, req: _Request) -> tuple[int, Any]:
        state = self.state
        return 200, {
            "id": str(state.application_id),
            "name": state.bot_user.username,
            "icon": None,
            "description": "Muse sandbox application",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": state.owner.payload(),
            "team": None,
            "bot": state.bot_user.payload(),
            "rpc_origins": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": len(state.guilds),
            "integration_types_config": {"0": {}},
        }

    def _check_app(self, req: _Request) -> int | None:
        if _snowflake(req.params["app_id"]) != self.state.application_id:
            raise ApiError(403, 50001, "Missing Access")
        guild_id = req.params.get("guild_id")
        if guild_id is None:
            return None
        if _snowflake(guild_id) not in self.state.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return _snowflake(guild_id)

    async def _get_commands(self, req: _Request) -> tuple[int, Any]:
        guild_id = self._check_app(req)
        scope = (
            self.state.guild_commands.get(guild_id, {})
            if guild_id is not None
            else self.state.global_commands
        )
        return 200, [c.payload() for c in scope.values()]

    async def _put_commands(self, req: _Request) -> tuple[int, Any]:
        guild_id = self._check_app(req)
        if not isinstance(req.body, list):
            raise _form_error("_root", "Expected an array of commands")
        old = (
            self.state.guild_commands.get(guild_id, {})
            if guild_id is not None
            else self.state.global_commands
        )
        new: dict[str, StoredCommand] = {}
        for definition in req.body:
            name = definition.get("name")
            if not isinstance(name, str) or not re.fullmatch(r"[-_\w]{1,32}", name):
                raise _form_error("name", f"Invalid command name {name!r}")
            if name != name.lower():
                raise _form_error("name", "Command names must be lower case")
            previous = old.get(name)
            new[name] = StoredCommand(
                id=previous.id if previous else self.state.new_id(),
                application_id=self.state.application_id,
                guild_id=guild_id,
                definition=definition,
                version=self.state.new_id(),
            )
        if guild_id is not None:
            self.state.guild_commands[guild_id] = new
        else:
            self.state.global_commands = new
        self.state.commands_synced += 1
        return 200, [c.payload() for c in new.values()]

    async def _get_channel(self, req: _Request) -> tuple[int, Any]:
        return 200, self._channel(req.params["channel_id"]).payload()

    async def _edit_channel(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration"):
            if key in body:
                setattr(channel, key, body[key])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.gateway.dispatch(event, channel.payload())
        return 200, channel.payload()

    async def _list_messages(self, req: _Request) -> tuple[int, Any]:
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
        return 200, [self._message_payload(m) for m in visible]

    async def _create_message(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        if channel.is_thread and channel.locked:
            raise ApiError(403, 50083, "Thread is archived")
        channel.archived = False
        body = req.body if isinstance(req.body, dict) else {}
        if body.get("flags") and int(body["flags"]) & MESSAGE_FLAG_EPHEMERAL:
            raise _form_error("flags", "Ephemeral messages need an interaction")
        nonce = str(body["nonce"]) if body.get("nonce") is not None else None
        author_id = self.state.bot_user.id
        if nonce is not None and body.get("enforce_nonce"):
            earlier = self.nonces.find(author_id, nonce)
            if earlier is not None and earlier in self.state.messages:
                # Discord answers a repeated nonce with the message it already made.
                return 200, {**self._message_payload(self.state.messages[earlier]), "nonce": nonce}
        message = self._new_message(channel, body, req.files, author=self.state.bot_user)
        if nonce is not None:
            message.nonce = nonce
            self.nonces.remember(author_id, nonce, message.id)
        await self._dispatch_message("MESSAGE_CREATE", message)
        payload = self._message_payload(message)
        if nonce is not None:
            payload["nonce"] = nonce  # in the create's answer only, as on Discord
        return 200, payload

    async def _get_message(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        return 200, self._message_payload(self._message(channel, req.params["message_id"]))

    async def _edit_message(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        if message.author.id != self.state.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self._apply_edit(message, req.body, req.files)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return 200, self._message_payload(message)

    async def _delete_message(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        message.deleted = True
        await self._dispatch_message("MESSAGE_DELETE", message)
        return 204, None

    async def _bulk_delete(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        for raw in body.get("messages", []):
            message = self._message(channel, str(raw))
            message.deleted = True
            await self._dispatch_message("MESSAGE_DELETE", message)
        return 204, None

    async def _add_reaction(self, req: _Request) -> tuple[int, Any]:
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

    async def _remove_reaction(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        message = self._message(channel, req.params["message_id"])
        message.reactions.get(req.params["emoji"], set()).discard(self.state.bot_user.id)
        return 204, None

    async def _pin(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._message(channel, req.params["message_id"]).pinned = True
        return 204, None

    async def _unpin(self, req: _Request) -> tuple[int, Any]:
        channel = self._channel(req.params["channel_id"])
        self._message(channel, req.params["message_id"]).pinned = False
        return 204, None

    async def _create_thread(
        self, parent: StoredChannel, body: Any, *, thread_id: int | None, type_: int
    ) -> StoredChannel:
        if parent.guild_id is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if not isinstance(body, dict) or not body.get("name"):
            raise _form_error("name", "This field is required", "BASE_TYPE_REQUIRED")
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

    async def _thread_from_msg(self, req: _Request) -> tuple[int, Any]:
        parent = self._channel(req.params["channel_id"])
        message = self._message(parent, req.params["message_id"])
        if message.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = await self._create_thread(parent, req.body, thread_id=message.id, type_=11)
        message.thread_id = thread.id
        return 201, thread.payload()

    async def _thread_standalone(self, req: _Request) -> tuple[int, Any]:
        parent = self._channel(req.params["channel_id"])
        body = req.body if isinstance(req.body, dict) else {}
        thread = await self._create_thread(
            parent, body, thread_id=None, type_=int(body.get("type") or 11)
        )
        return 201, thread.payload()

    def _guild(self, req: _Request) -> Any:
        guild = self.state.guilds.get(_snowflake(req.params["guild_id"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        return guild

    async def _get_guild(self, req: _Request) -> tuple[int, Any]:
        guild = self._guild(req)
        data = guild.payload(threads=[])
        for key in ("channels", "threads", "members", "voice_states", "presences"):
            data.pop(key, None)
        data["approximate_member_count"] = len(guild.members)
        return 200, data

    async def _get_guild_channels(self, req: _Request) -> tuple[int, Any]:
        return 200, [c.payload() for c in self._guild(req).channels.values()]

    async def _get_roles(self, req: _Request) -> tuple[int, Any]:
        return 200, [r.payload() for r in self._guild(req).roles.values()]

    async def _list_members(self, req: _Request) -> tuple[int, Any]:
        guild = self._guild(req)
        limit = int(req.query.get("limit", 1))
        after = int(req.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return 200, [m.payload() for m in members[:limit]]

    def _member_of(self, req: _Request) -> Any:
        guild = self._guild(req)
        member = guild.members.get(_snowflake(req.params["user_id"]))
        if member is None:
            raise ApiError(404, 10007, "Unknown Member")
        return guild, member

    async def _get_member(self, req: _Request) -> tuple[int, Any]:
        _, member = self._member_of(req)
        return 200, member.payload()

    async def _kick_member(self, req: _Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        del guild.members[member.id]
        await self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )
        return 204, None

    async def _add_member_role(self, req: _Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        role_id = _snowflake(req.params["role_id"])
        if role_id not in guild.roles:
            raise ApiError(404, 10011, "Unknown Role")
        if role_id not in member.role_ids:
            member.role_ids.append(role_id)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild.id)}
        )
        return 204, None

    async def _remove_member_role(self, req: _Request) -> tuple[int, Any]:
        guild, member = self._member_of(req)
        role_id = _snowflake(req.params["role_id"])
        if role_id in member.role_ids:
            member.role_ids.remove(role_id)
        await self.gateway.dispatch(
            "GUILD_MEMBER_UPDATE", member.payload() | {"guild_id": str(guild.id)}
        )
        return 204, None

    # -- interactions -----------------------------------------------------------------------

    async def _interaction_callback(self, req: _Request) -> tuple[int, Any]:
        ix = self.state.interactions.get(_snowflake(req.params["interaction_id"]))
        if ix is None or ix.token != req.params["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if req.at - ix.created_at > self.interaction_timeout:
            raise ApiError(404, 10062, "Unknown interaction")
        if ix.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = req.body if isinstance(req.body, dict) else {}
        cb_type = int(body.get("type", 0))
        if cb_type not in _ALLOWED_CALLBACKS.get(ix.type, frozenset()):
            raise _form_error("type", f"Callback type {cb_type} is not valid here")
        if cb_type in (6, 7) and ix.message_id is None:
            raise _form_error("type", "No message to update for this interaction")
        data = body.get("data") or {}
        channel = self.state.channels[ix.channel_id]
        message: StoredMessage | None = None
        if cb_type == 4:
            msg_type = 20 if ix.type == 2 else 0
            message = self._new_message(
                channel,
                data,
                req.files,
                author=self.state.bot_user,
                interaction=ix,
                msg_type=msg_type,
            )
            ix.original_message_id = message.id
            await self._dispatch_message("MESSAGE_CREATE", message)
        elif cb_type == 5:
            ephemeral = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            ix.deferred_ephemeral = bool(ephemeral)
            message = self._new_message(
                channel,
                {},
                [],
                author=self.state.bot_user,
                interaction=ix,
                msg_type=20 if ix.type == 2 else 0,
                flags=MESSAGE_FLAG_LOADING | ephemeral,
            )
            ix.original_message_id = message.id
            await self._dispatch_message("MESSAGE_CREATE", message)
        elif cb_type == 6:
            ix.original_message_id = ix.message_id
        elif cb_type == 7:
            assert ix.message_id is not None
            message = self.state.messages[ix.message_id]
            self._apply_edit(message, data, req.files)
            ix.original_message_id = message.id
            await self._dispatch_message("MESSAGE_UPDATE", message)
        elif cb_type == 8:
            choices = data.get("choices")
            if not isinstance(choices, list) or len(choices) > 25:
                raise _form_error("data.choices", "Must be a list of at most 25 choices")
            ix.choices = choices
        elif cb_type == 9:
            if not data.get("custom_id") or not data.get("title"):
                raise _form_error("data", "A modal needs a custom_id and a title")
            if (violation := modal_violation(data)) is not None:
                raise _form_error(*violation, "BASE_TYPE_MAX_LENGTH")
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
            answer["resource"] = {"type": cb_type, "message": self._message_payload(message)}
        return 200, answer

    def _webhook_interaction(self, req: _Request) -> StoredInteraction:
        if _snowflake(req.params["webhook_id"]) != self.state.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        ix = self.state.interactions_by_token.get(req.params["token"])
        if ix is None or not ix.acknowledged:
            raise ApiError(404, 10015, "Unknown Webhook")
        if req.at - ix.created_at > WEBHOOK_TOKEN_LIFETIME:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return ix

    def _webhook_message(self, req: _Request, ix: StoredInteraction) -> StoredMessage:
        raw = req.params["message_id"]
        if raw == "@original":
            message_id = ix.original_message_id
        else:
            message_id = _snowflake(raw)
            if message_id != ix.original_message_id and message_id not in ix.followup_ids:
                message_id = None
        message = self.state.messages.get(message_id) if message_id else None
        if message is None or message.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return message

    async def _webhook_execute(self, req: _Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        body = req.body if isinstance(req.body, dict) else {}
        original = (
            self.state.messages.get(ix.original_message_id) if ix.original_message_id else None
        )
        if original is not None and original.loading and not ix.followup_ids:
            # The first follow-up after a "thinking" defer replaces the placeholder.
            self._apply_edit(original, body, req.files)
            original.edited_timestamp = None
            message = original
            await self._dispatch_message("MESSAGE_UPDATE", message)
        else:
            channel = self.state.channels[ix.channel_id]
            message = self._new_message(
                channel, body, req.files, author=self.state.bot_user, interaction=ix
            )
            ix.followup_ids.append(message.id)
            await self._dispatch_message("MESSAGE_CREATE", message)
        if req.query.get("wait") in ("0", "false", "False"):
            return 204, None
        return 200, self._message_payload(message)

    async def _webhook_get(self, req: _Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        return 200, self._message_payload(self._webhook_message(req, ix))

    async def _webhook_edit(self, req: _Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        message = self._webhook_message(req, ix)
        self._apply_edit(message, req.body, req.files)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return 200, self._message_payload(message)

    async def _webhook_delete(self, req: _Request) -> tuple[int, Any]:
        ix = self._webhook_interaction(req)
        message = self._webhook_message(req, ix)
        message.deleted = True
        await self._dispatch_message("MESSAGE_DELETE", message)
        return 204, None


def _snowflake(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise _form_error(
            "snowflake", f"Value {raw!r} is not snowflake.", "NUMBER_TYPE_COERCE"
        ) from None


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        body: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            raw = await part.read(decode=False)
            if name == "payload_json":
                body = json.loads(bytes(raw).decode())
            else:
                files.append(
                    UploadedFile(
                        field_name=name,
                        filename=part.filename or name,
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                        data=bytes(raw),
                    )
                )
        return body, files
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError:
        return text, []
