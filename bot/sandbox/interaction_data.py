"""Interaction ``data`` built the way Discord's client builds it.

Slash-command options are checked against the definitions the bot synced (required options,
choices, ranges, channel types) and resolved objects are attached; modal submissions mirror the
layout of the modal the bot opened.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .constants import JSON
from .errors import SandboxError
from .state import SandboxState
from .stored import (
    StoredAttachment,
    StoredChannel,
    StoredGuild,
    StoredMember,
    StoredMessage,
    StoredRole,
    StoredUser,
)

__all__ = [
    "SELECT_TYPES",
    "AttachmentSpec",
    "ChannelLike",
    "CommandDataBuilder",
    "MessageLike",
    "UserLike",
    "channel_id_of",
    "make_attachment",
    "modal_submit_components",
    "user_of",
]

AttachmentSpec = tuple[str, bytes] | tuple[str, bytes, str] | StoredAttachment
UserLike = StoredMember | StoredUser
ChannelLike = StoredChannel | int
MessageLike = StoredMessage | int

SELECT_TYPES = frozenset({3, 5, 6, 7, 8})


def user_of(user: UserLike) -> StoredUser:
    return user.user if isinstance(user, StoredMember) else user


def channel_id_of(channel: ChannelLike) -> int:
    return channel.id if isinstance(channel, StoredChannel) else int(channel)


def make_attachment(state: SandboxState, channel_id: int, spec: AttachmentSpec) -> StoredAttachment:
    """Store ``(filename, bytes[, content_type])`` as an uploaded attachment."""
    if isinstance(spec, StoredAttachment):
        return spec
    filename, data = spec[0], spec[1]
    content_type = spec[2] if len(spec) == 3 else None
    return state.add_attachment(channel_id, filename, data, content_type)


class CommandDataBuilder:
    """Turns ``("potd setup", {"channel": ...})`` into APPLICATION_COMMAND interaction data."""

    def __init__(
        self, state: SandboxState, resolve_channel: Callable[[ChannelLike | None], StoredChannel]
    ) -> None:
        self.state = state
        self._resolve_channel = resolve_channel
        #: Discord's client refuses option text outside min_length/max_length. Tests that play
        #: a modified client (to check the bot's own re-check) turn this off.
        self.client_checks_lengths = True

    @property
    def bot_user(self) -> StoredUser:
        return self.state.bot_user

    def _attachment(self, channel_id: int, spec: AttachmentSpec) -> StoredAttachment:
        return make_attachment(self.state, channel_id, spec)

    def build(
        self,
        name: str,
        options: Mapping[str, Any],
        guild: StoredGuild | None,
        channel: ChannelLike | None,
        *,
        focused: str | None,
    ) -> JSON:
        stored_channel = self._resolve_channel(channel)
        guild = guild if guild is not None else self.state.guild_of(stored_channel)
        parts = name.strip().lstrip("/").split()
        if not parts:
            raise SandboxError("empty command name")
        candidates = [
            c
            for c in self.state.commands_for(guild.id if guild else None)
            if c.name == parts[0] and c.type == 1
        ]
        if not candidates:
            synced = sorted({c.name for c in self.state.commands_for(guild.id if guild else None)})
            raise SandboxError(f"/{parts[0]} was not synced by the bot; synced: {synced}")
        command = candidates[0]
        definitions: list[JSON] = list(command.definition.get("options") or [])
        path: list[JSON] = []
        for part in parts[1:]:
            sub = next(
                (o for o in definitions if o.get("name") == part and o.get("type") in (1, 2)), None
            )
            if sub is None:
                raise SandboxError(f"/{name}: no sub-command {part!r}")
            path.append(sub)
            definitions = list(sub.get("options") or [])
        if any(o.get("type") in (1, 2) for o in definitions):
            subs = [o["name"] for o in definitions]
            raise SandboxError(f"/{name} needs a sub-command, one of {subs}")
        resolved: JSON = {}
        leaf = self._build_options(
            definitions, options, resolved, guild, stored_channel, focused=focused
        )
        for sub in reversed(path):
            leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
        data: JSON = {
            "id": str(command.id),
            "name": command.name,
            "type": 1,
            "options": leaf,
        }
        if resolved:
            data["resolved"] = resolved
        if command.guild_id is not None:
            data["guild_id"] = str(command.guild_id)
        return data

    def _build_options(
        self,
        definitions: list[JSON],
        given: Mapping[str, Any],
        resolved: JSON,
        guild: StoredGuild | None,
        channel: StoredChannel,
        *,
        focused: str | None,
    ) -> list[JSON]:
        by_name = {d["name"]: d for d in definitions}
        unknown = set(given) - set(by_name)
        if unknown:
            raise SandboxError(
                f"unknown options {sorted(unknown)}; the command has {list(by_name)}"
            )
        if focused is None:
            missing = [
                d["name"] for d in definitions if d.get("required") and d["name"] not in given
            ]
            if missing:
                raise SandboxError(f"missing required options {missing}")
        elif focused not in by_name:
            raise SandboxError(f"focused option {focused!r} is not an option of the command")
        out: list[JSON] = []
        names = list(given)
        if focused is not None and focused not in given:
            names.append(focused)
        for opt_name in names:
            definition = by_name[opt_name]
            opt_type = int(definition["type"])
            raw = given.get(opt_name, "")
            if opt_name == focused:
                out.append({"name": opt_name, "type": opt_type, "value": str(raw), "focused": True})
                continue
            value = self._option_value(definition, raw, resolved, guild, channel)
            out.append({"name": opt_name, "type": opt_type, "value": value})
        return out

    def _option_value(
        self,
        definition: JSON,
        raw: Any,
        resolved: JSON,
        guild: StoredGuild | None,
        channel: StoredChannel,
    ) -> Any:
        opt_type = int(definition["type"])
        name = definition["name"]
        value: Any
        if opt_type == 3:
            value = str(raw)
            if self.client_checks_lengths and len(value) < definition.get("min_length", 0):
                raise SandboxError(f"option {name!r} is shorter than min_length")
            if len(value) > (
                definition.get("max_length", 6000) if self.client_checks_lengths else 6000
            ):
                raise SandboxError(f"option {name!r} is longer than max_length")
        elif opt_type in (4, 10):
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise SandboxError(f"option {name!r} needs a number, got {raw!r}")
            if opt_type == 4 and not float(raw).is_integer():
                raise SandboxError(f"option {name!r} needs an integer")
            value = int(raw) if opt_type == 4 else float(raw)
            if "min_value" in definition and value < definition["min_value"]:
                raise SandboxError(f"option {name!r} is below min_value")
            if "max_value" in definition and value > definition["max_value"]:
                raise SandboxError(f"option {name!r} is above max_value")
        elif opt_type == 5:
            if not isinstance(raw, bool):
                raise SandboxError(f"option {name!r} needs a bool")
            value = raw
        elif opt_type == 6 or (opt_type == 9 and isinstance(raw, StoredMember | StoredUser)):
            value = str(self._resolve_user(raw, resolved, guild))
        elif opt_type == 7:
            target = self._resolve_channel(raw)
            types = definition.get("channel_types")
            if types and target.type not in types:
                raise SandboxError(f"option {name!r} takes channel types {types}")
            perms = guild.permissions_of(self.bot_user.id) if guild else 0
            resolved.setdefault("channels", {})[str(target.id)] = target.payload() | {
                "permissions": str(perms)
            }
            value = str(target.id)
        elif opt_type in (8, 9):
            if guild is None:
                raise SandboxError("roles only exist in guilds")
            role = raw if isinstance(raw, StoredRole) else guild.roles.get(int(raw))
            if role is None:
                raise SandboxError(f"unknown role {raw!r}")
            resolved.setdefault("roles", {})[str(role.id)] = role.payload()
            value = str(role.id)
        elif opt_type == 11:
            attachment = self._attachment(channel.id, raw)
            attachment.ephemeral = True
            resolved.setdefault("attachments", {})[str(attachment.id)] = attachment.payload()
            value = str(attachment.id)
        else:
            raise SandboxError(f"option type {opt_type} is not supported")
        choices = definition.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            listed = ", ".join(str(c["value"]) for c in choices)
            raise SandboxError(
                f"{value!r} is not a choice of option {name!r}; pick one of: {listed}"
            )
        return value

    def _resolve_user(self, raw: Any, resolved: JSON, guild: StoredGuild | None) -> int:
        if isinstance(raw, StoredMember | StoredUser):
            user = user_of(raw)
        else:
            found = self.state.users.get(int(raw))
            if found is None:
                raise SandboxError(f"unknown user {raw!r}")
            user = found
        resolved.setdefault("users", {})[str(user.id)] = user.payload()
        member = self.state.member(guild.id if guild else None, user.id)
        if member is not None and guild is not None:
            resolved.setdefault("members", {})[str(user.id)] = member.payload(
                with_user=False, permissions=guild.permissions_of(user.id)
            )
        return user.id


def modal_submit_components(modal: JSON, values: Mapping[str, Any]) -> list[JSON]:
    """The ``components`` of a MODAL_SUBMIT answering ``modal`` with ``values`` by custom_id."""
    remaining = dict(values)
    components = [
        c for c in (_modal_row(row, remaining) for row in modal.get("components", [])) if c
    ]
    if remaining:
        raise SandboxError(f"the modal has no inputs {sorted(remaining)}")
    return components


def _modal_leaf(component: JSON, remaining: dict[str, Any]) -> JSON | None:
    custom_id = component.get("custom_id")
    ctype = int(component.get("type", 0))
    if custom_id is None:
        return None
    if ctype == 4:
        value = remaining.pop(custom_id, "")
        if not isinstance(value, str):
            raise SandboxError(f"text input {custom_id!r} takes a string")
        if component.get("required", True) and not value:
            raise SandboxError(f"text input {custom_id!r} is required")
        if value and len(value) < component.get("min_length", 0):
            raise SandboxError(f"text input {custom_id!r} is shorter than min_length")
        if len(value) > component.get("max_length", 4000):
            raise SandboxError(f"text input {custom_id!r} is longer than max_length")
        return {"type": 4, "custom_id": custom_id, "value": value}
    if ctype in SELECT_TYPES:
        chosen = remaining.pop(custom_id, [])
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        return {"type": ctype, "custom_id": custom_id, "values": chosen}
    return None


def _modal_row(row: JSON, remaining: dict[str, Any]) -> JSON | None:
    rtype = int(row.get("type", 0))
    if rtype == 1:
        leaves = [leaf for c in row.get("components", []) if (leaf := _modal_leaf(c, remaining))]
        return {"type": 1, "components": leaves} if leaves else None
    if rtype == 18 and isinstance(row.get("component"), dict):
        leaf = _modal_leaf(row["component"], remaining)
        return {"type": 18, "component": leaf} if leaf else None
    return _modal_leaf(row, remaining)
