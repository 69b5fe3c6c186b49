"""Muse's web server: the gallery (pages, files, covers) and, on the same port when asked,
/healthz and /metrics. An outer layer beside ``bot.discord_io``: it reaches storage only
through the services (``bot.services.gallery``), never through ``bot.db``."""

from .attachments import AttachmentPolicy
from .security import CONTENT_SECURITY_POLICY, RateLimiter
from .server import WebServer, default_public_url

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "AttachmentPolicy",
    "RateLimiter",
    "WebServer",
    "default_public_url",
]
