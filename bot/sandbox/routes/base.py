"""What every group of REST routes shares: the request, Discord's JSON errors, and the context.

A route group (:class:`RouteGroup`) registers its handlers with :meth:`RouteGroup.register`; the
server (:mod:`bot.sandbox.server`) matches requests against them in registration order. Handlers
take a :class:`Request` and answer ``(status, JSON body)``, or raise :class:`ApiError`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..constants import JSON
from ..faults import NonceLedger
from ..gateway import GatewayServer
from ..records import UploadedFile
from ..state import SandboxState

__all__ = [
    "AddRoute",
    "ApiError",
    "Handler",
    "Request",
    "RouteContext",
    "RouteGroup",
    "form_error",
    "no_content",
    "snowflake",
]


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


def form_error(field_name: str, message: str, code: str = "BASE_TYPE_INVALID") -> ApiError:
    """Discord's 400 "Invalid Form Body" naming the field at fault."""
    return ApiError(
        400,
        50035,
        "Invalid Form Body",
        {field_name: {"_errors": [{"code": code, "message": message}]}},
    )


def snowflake(raw: str) -> int:
    """An id from a path or body; anything else is a form error, as on Discord."""
    try:
        return int(raw)
    except ValueError:
        raise form_error(
            "snowflake", f"Value {raw!r} is not snowflake.", "NUMBER_TYPE_COERCE"
        ) from None


@dataclass
class Request:
    """One matched request, as a handler sees it."""

    method: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[UploadedFile]
    at: float
    user_agent: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Awaitable[tuple[int, Any]]]


class AddRoute(Protocol):
    """How a group registers a handler for ``METHOD /template/{param}``."""

    def __call__(
        self, method: str, template: str, handler: Handler, *, auth: bool = True
    ) -> None: ...


async def no_content(req: Request) -> tuple[int, Any]:
    """A route that only acknowledges (typing, joining a thread)."""
    return 204, None


@dataclass
class RouteContext:
    """What the route groups share with the server; tests change ``interaction_timeout`` live."""

    state: SandboxState
    gateway: GatewayServer
    gateway_url: Callable[[], str]
    interaction_timeout: float = 3.0
    shard_count: int = 1
    nonces: NonceLedger = field(default_factory=NonceLedger)


class RouteGroup:
    """A set of routes over the shared context."""

    def __init__(self, ctx: RouteContext) -> None:
        self.ctx = ctx
        self.state = ctx.state
        self.gateway = ctx.gateway

    def register(self, add: AddRoute) -> None:
        raise NotImplementedError
