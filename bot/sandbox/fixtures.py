"""What a sandbox starts with: its configuration and the fixture guild, admin, members, channels."""

from __future__ import annotations

from dataclasses import dataclass, field

from .constants import ADMIN_PERMISSIONS
from .state import SandboxState
from .stored import StoredChannel, StoredGuild, StoredMember

__all__ = ["Fixtures", "SandboxConfig", "build_fixtures"]


@dataclass(frozen=True)
class SandboxConfig:
    """Fixtures and knobs. The defaults give one guild, two text channels, an admin and three
    ordinary members."""

    token: str = "sandbox-token"
    bot_name: str = "Muse"
    guild_name: str = "Sandbox Guild"
    channel_names: tuple[str, ...] = ("general", "studio")
    admin_name: str = "admin"
    member_names: tuple[str, ...] = ("alice", "bob", "carol")
    interaction_timeout: float = 3.0
    heartbeat_interval_ms: int = 41250
    host: str = "127.0.0.1"
    port: int = 0
    shard_count: int = 1  # what GET /gateway/bot recommends


@dataclass
class Fixtures:
    """What a fresh sandbox offers tests as ``guild``, ``admin``, ``members``, ``channels``."""

    guild: StoredGuild
    admin: StoredMember
    members: list[StoredMember] = field(default_factory=list)
    channels: list[StoredChannel] = field(default_factory=list)


def build_fixtures(state: SandboxState, cfg: SandboxConfig) -> Fixtures:
    """Make the default world: the guild, its admin, its members and its channels."""
    admin_user = state.add_user(cfg.admin_name)
    guild = state.add_guild(cfg.guild_name, owner=state.owner)
    admin_role = state.add_role(guild, "Admin", ADMIN_PERMISSIONS)
    admin = state.add_member(guild, admin_user, [admin_role])
    state.add_member(guild, state.owner)
    fixtures = Fixtures(guild=guild, admin=admin)
    for name in cfg.member_names:
        fixtures.members.append(state.add_member(guild, state.add_user(name)))
    for name in cfg.channel_names:
        fixtures.channels.append(state.add_channel(guild, name))
    return fixtures
