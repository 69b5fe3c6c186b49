"""The sandbox terminal: try every Muse command from a shell, as a member of a local server."""

from __future__ import annotations

from .options import TerminalInputError, convert_options, describe_command, find_command
from .render import render_markup, render_timestamp
from .session import HELP, SandboxTerminal, parse_command

__all__ = [
    "HELP",
    "SandboxTerminal",
    "TerminalInputError",
    "convert_options",
    "describe_command",
    "find_command",
    "parse_command",
    "render_markup",
    "render_timestamp",
]
