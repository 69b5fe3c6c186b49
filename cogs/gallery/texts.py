"""Every Discord-side string of /gallery, kept together (they join the message catalog when
the project is localised)."""

from __future__ import annotations

__all__ = [
    "DISABLED",
    "ENABLED",
    "INDEXABLE_OFF",
    "INDEXABLE_ON",
    "LINK",
    "PROFILE_OFF",
    "PROFILE_ON",
    "PROFILE_UNCHANGED",
    "ROTATED",
    "SHARED",
    "UNSHARED",
    "WEB_OFF_NOTE",
]

LINK = "🖼️ This server's gallery: {url}\nOnly works their authors shared appear there."
ENABLED = "🖼️ The gallery is on. Members get its link with `/gallery link`."
DISABLED = "The gallery is off: its pages answer “not found” until `/gallery enable`."
ROTATED = "🔑 The gallery has a new link; every old link stopped working."
INDEXABLE_ON = "Search engines may now index the gallery's pages."
INDEXABLE_OFF = "The gallery's pages ask search engines not to index them (noindex)."
WEB_OFF_NOTE = "\n(The web server is off right now: the operator sets MUSE_WEB_PORT.)"
PROFILE_ON = "Your member page is on: it lists the works you share, under your name."
PROFILE_OFF = "Your member page is gone, and your shared works are credited to “a member”."
PROFILE_UNCHANGED = "You had no member page; nothing changed."
SHARED = "🌐 **{label}** is shared in the gallery."
UNSHARED = "🔒 **{label}** is private now: it is gone from the gallery."
