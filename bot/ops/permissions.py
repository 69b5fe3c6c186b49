"""The Discord permissions Muse needs, and how they follow from the code.

Replies to slash commands, buttons and modals travel over the interaction webhook
(``interaction.response``/``followup``/``edit_original_response``), which needs no channel
permission at all. Permissions are needed only where the bot acts as itself in a channel: posting
scheduled messages, opening threads, reading or reacting to messages. :func:`scan_usage` finds
those calls in the source; ``tests/unit/test_deploy_permissions.py`` checks that
:data:`REQUIRED_PERMISSIONS` is exactly what the scan finds, and that ``deploy/README.md`` shows
the same integer and invite URL.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import discord

__all__ = [
    "CALL_PERMISSIONS",
    "REQUIRED_PERMISSIONS",
    "Usage",
    "invite_url",
    "permission_integer",
    "required_permissions",
    "scan_usage",
]

# Why Muse needs each permission (the keys are discord.Permissions attribute names).
REQUIRED_PERMISSIONS: dict[str, str] = {
    "view_channel": "see the channels it posts in (every channel call needs it)",
    "send_messages": "post the prompt of the day and story announcements in channels",
    "send_messages_in_threads": "post submissions and story turns in the threads it opens",
    "create_public_threads": "open a thread under a daily prompt or a story announcement",
    "embed_links": "show embeds in the messages it posts itself",
    "attach_files": "attach members' files and story exports to messages it posts itself",
    "read_message_history": "find its own earlier post after a crash (channel history)",
}

# Method names (called on a channel, thread or message, not on an interaction) → permissions.
CALL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "send": ("view_channel", "send_messages"),
    "create_thread": ("view_channel", "create_public_threads", "send_messages_in_threads"),
    "fetch_message": ("view_channel", "read_message_history"),
    "history": ("view_channel", "read_message_history"),
    "add_reaction": ("view_channel", "read_message_history", "add_reactions"),
    "pin": ("view_channel", "manage_messages"),
    "unpin": ("view_channel", "manage_messages"),
    "purge": ("view_channel", "read_message_history", "manage_messages"),
    "delete_messages": ("view_channel", "manage_messages"),
    "add_roles": ("manage_roles",),
    "remove_roles": ("manage_roles",),
    "create_webhook": ("manage_webhooks",),
    "create_private_thread": ("create_private_threads",),
}
# Keyword arguments of a channel ``send``/``edit`` that need more.
KEYWORD_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "embed": ("embed_links",),
    "embeds": ("embed_links",),
    "file": ("attach_files",),
    "files": ("attach_files",),
    "attachments": ("attach_files",),
}
# Thread edits that archive or lock need Manage Threads.
THREAD_EDIT_KEYWORDS = frozenset({"archived", "locked"})
# Receivers that are interaction webhooks (no permission needed), or not Discord objects at all.
_INTERACTION_WORDS = ("interaction", "followup", "response", "webhook", "ix")
_NOT_DISCORD_WORDS = ("service", "repo", "engine", "db", "scheduler")


@dataclass(frozen=True, slots=True)
class Usage:
    permission: str
    path: str
    line: int
    call: str


def _receiver(node: ast.expr) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # pragma: no cover - ast.unparse handles every expression
        return ""


def _needs_no_permission(receiver: str) -> bool:
    parts = receiver.replace("(", ".").replace(")", ".").lower().split(".")
    words = _INTERACTION_WORDS + _NOT_DISCORD_WORDS
    return any(part == word or (len(word) > 3 and word in part) for part in parts for word in words)


def scan_usage(files: Iterable[Path], *, root: Path | None = None) -> list[Usage]:
    """Every bot-as-itself Discord call in ``files`` and the permission each one needs."""
    found: list[Usage] = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = str(path.relative_to(root)) if root else str(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            method = node.func.attr
            receiver = _receiver(node.func.value)
            if _needs_no_permission(receiver):
                continue
            keywords = {k.arg for k in node.keywords if k.arg}
            needed: list[str] = []
            if method in CALL_PERMISSIONS:
                needed.extend(CALL_PERMISSIONS[method])
            if method in ("send", "edit", "create_thread"):
                for keyword in keywords & KEYWORD_PERMISSIONS.keys():
                    needed.extend(KEYWORD_PERMISSIONS[keyword])
            if method == "edit" and keywords & THREAD_EDIT_KEYWORDS:
                needed.extend(("view_channel", "manage_threads"))
            call = f"{receiver}.{method}(...)"
            found.extend(Usage(p, shown, node.lineno, call) for p in dict.fromkeys(needed))
    return found


def required_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(REQUIRED_PERMISSIONS, True))


def permission_integer() -> int:
    return required_permissions().value


def invite_url(client_id: int | str = "YOUR_APPLICATION_ID") -> str:
    """The OAuth2 URL that adds Muse with exactly the permissions it needs."""
    return (
        f"https://discord.com/oauth2/authorize?client_id={client_id}"
        f"&permissions={permission_integer()}&scope=bot+applications.commands"
    )
