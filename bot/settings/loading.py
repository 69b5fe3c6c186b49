"""Loading the settings: every source at once, and one readable message for every bad field
(secrets never echoed)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .model import Settings

__all__ = ["SettingsError", "format_validation_error", "load_settings"]


class SettingsError(Exception):
    """Settings could not be loaded; ``str()`` lists every bad field with its reason."""


def format_validation_error(error: ValidationError) -> str:
    lines = [f"Muse's settings are not valid ({error.error_count()} problem(s)):"]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(settings)"
        env_name = f"MUSE_{field.upper()}" if item["loc"] else ""
        value = item.get("input")
        secret = any(word in field for word in ("token", "key", "secret"))
        shown = (
            ""
            if secret or isinstance(value, dict) or value is None
            else f" (got {str(value)[:80]!r})"
        )
        hint = f" [{env_name}]" if env_name else ""
        lines.append(f"  - {field}{hint}: {item['msg']}{shown}")
    return "\n".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Load settings from every source, raising :class:`SettingsError` with a readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(format_validation_error(exc)) from None
    except (OSError, ValueError) as exc:  # unreadable or malformed TOML / .env
        raise SettingsError(f"Muse's settings could not be read: {exc}") from None
