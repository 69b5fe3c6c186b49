"""Storage: one aiosqlite connection, numbered migrations, and repositories (the only SQL)."""

from .connection import Database, Migration, load_migrations
from .repositories import (
    BotStateRepository,
    GuildSettings,
    GuildSettingsRepository,
    Member,
    MemberRepository,
    Repositories,
)

__all__ = [
    "BotStateRepository",
    "Database",
    "GuildSettings",
    "GuildSettingsRepository",
    "Member",
    "MemberRepository",
    "Migration",
    "Repositories",
    "load_migrations",
]
