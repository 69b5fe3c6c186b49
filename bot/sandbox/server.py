"""The sandbox's REST API (v10): matching, recording, faults and rate limits over the routes.

Every request is recorded as a :class:`~bot.sandbox.records.RecordedCall`, including requests to
routes the sandbox does not know (404, ``unknown_route=True``). Responses carry exactly
``Content-Type: application/json``: discord.py decodes a body as JSON only on that exact string.
The routes themselves live in :mod:`bot.sandbox.routes`, one module per group.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .constants import JSON
from .faults import Fault, NonceLedger
from .gateway import GatewayServer
from .records import ChangeSignal, RecordedCall, UploadedFile
from .routes import (
    ApiError,
    CommandRoutes,
    GuildRoutes,
    InteractionRoutes,
    MessageRoutes,
    MessageWriter,
    RouteContext,
)
from .routes.base import Handler, Request
from .state import SandboxState

__all__ = ["ApiError", "RateLimitRule", "RestServer", "json_response"]

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"

_EDIT_ROUTES = frozenset(
    {
        "PATCH /channels/{channel_id}/messages/{message_id}",
        "PATCH /webhooks/{webhook_id}/{token}/messages/{message_id}",
    }
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


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
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
        self.gateway = gateway
        self.signal = signal
        self.context = RouteContext(
            state,
            gateway,
            gateway_url,
            interaction_timeout=interaction_timeout,
            shard_count=shard_count,
        )
        self.calls: list[RecordedCall] = []
        self.edit_rate_limit: RateLimitRule | None = None
        self.faults: list[Fault] = []
        self._routes: list[_Route] = []
        writer = MessageWriter(state, gateway)
        for group in (
            CommandRoutes(self.context),
            GuildRoutes(self.context),
            MessageRoutes(self.context, writer),
            InteractionRoutes(self.context, writer),
        ):
            group.register(self._add)

    @property
    def interaction_timeout(self) -> float:
        """Seconds an interaction accepts its callback (tests shorten it)."""
        return self.context.interaction_timeout

    @interaction_timeout.setter
    def interaction_timeout(self, seconds: float) -> None:
        self.context.interaction_timeout = seconds

    @property
    def nonces(self) -> NonceLedger:
        return self.context.nonces

    # -- plumbing ---------------------------------------------------------------------------

    def _add(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
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
                req = Request(request.method, params, dict(request.query), body, files, at)
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
