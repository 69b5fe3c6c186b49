"""Muse: a self-hosted Discord bot for creative communities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("muse-bot")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
