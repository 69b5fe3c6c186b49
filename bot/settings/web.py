"""The web server's settings (the gallery, and /healthz and /metrics when they share its port):
a mixin of :class:`~bot.settings.model.Settings`, kept apart so each module stays small."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

__all__ = ["WebSettings"]


class WebSettings(BaseSettings):
    """``MUSE_WEB_HOST``, ``MUSE_WEB_PORT`` and ``MUSE_PUBLIC_URL``."""

    # Web (the gallery)
    web_host: str = Field(
        default="127.0.0.1", description="Address the gallery's web server listens on."
    )
    web_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Port of the gallery's web server; unset: off (the sandbox picks a free one).",
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL that gallery links in Discord use, e.g. https://muse.example.org; "
        "default: http://{MUSE_WEB_HOST}:{MUSE_WEB_PORT}.",
    )

    @field_validator("public_url")
    @classmethod
    def _public_http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")
