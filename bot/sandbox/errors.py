"""The sandbox's own error."""

from __future__ import annotations

__all__ = ["SandboxError"]


class SandboxError(Exception):
    """The test asked for something a real Discord client could not do."""
