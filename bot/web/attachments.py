"""Showing a shared submission's attachment without loading anything from a third party.

Only an image on Discord's CDN is proxied, and only the URL stored with a shared submission:
the page never names a URL to fetch, so this is not an open proxy. Anything else becomes a
plain link (the browser loads nothing until the reader follows it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

__all__ = [
    "DISCORD_CDN_HOSTS",
    "IMAGE_TYPES",
    "MAX_IMAGE_BYTES",
    "AttachmentPolicy",
    "FetchedImage",
    "fetch_image",
]

log = logging.getLogger(__name__)

DISCORD_CDN_HOSTS = frozenset({"cdn.discordapp.com", "media.discordapp.net"})
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
MAX_IMAGE_BYTES = 8 * 1024 * 1024
FETCH_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class AttachmentPolicy:
    """Which stored attachment URLs are proxied as images. Tests may allow the sandbox's host."""

    hosts: frozenset[str] = DISCORD_CDN_HOSTS
    schemes: frozenset[str] = frozenset({"https"})

    def image_type(self, url: str | None, name: str | None) -> str | None:
        """The image's content type when the attachment may be proxied, else None."""
        if not url or not name or len(url) > 2000:
            return None
        suffix = "." + name.rsplit(".", 1)[-1].casefold() if "." in name else ""
        kind = IMAGE_TYPES.get(suffix)
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").casefold()
        except ValueError:
            return None
        if kind is None or parts.scheme not in self.schemes or parts.username or parts.password:
            return None
        return kind if host in self.hosts else None

    def is_link(self, url: str | None) -> bool:
        """Whether the URL may be shown as a link (http or https only: no javascript:)."""
        if not url or len(url) > 2000:
            return False
        try:
            return urlsplit(url).scheme in ("http", "https")
        except ValueError:
            return False


@dataclass(frozen=True, slots=True)
class FetchedImage:
    data: bytes
    content_type: str


async def fetch_image(
    session: aiohttp.ClientSession, url: str, content_type: str
) -> FetchedImage | None:
    """The image at an allowed URL: no redirects followed, at most ``MAX_IMAGE_BYTES``, and
    only when the server says it is the image type the file name promised."""
    try:
        async with session.get(
            url, allow_redirects=False, timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
        ) as response:
            served = response.headers.get("Content-Type", "").split(";")[0].strip().casefold()
            if response.status != 200 or served != content_type:
                return None
            if (response.content_length or 0) > MAX_IMAGE_BYTES:
                return None
            data = await response.content.read(MAX_IMAGE_BYTES + 1)
            if len(data) > MAX_IMAGE_BYTES:
                return None
            return FetchedImage(data, content_type)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.info("attachment fetch failed: %s", type(exc).__name__)
        return None
