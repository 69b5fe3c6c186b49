"""Typed settings for Muse.

Sources, highest priority first: keyword arguments, environment variables (prefix ``MUSE_``),
a ``.env`` file, a TOML file (``MUSE_CONFIG`` or ``muse.toml`` in the working directory), defaults.
"""

from .loading import SettingsError, format_validation_error, load_settings
from .model import DEFAULT_TOML, LogLevel, Settings

__all__ = [
    "DEFAULT_TOML",
    "LogLevel",
    "Settings",
    "SettingsError",
    "format_validation_error",
    "load_settings",
]
