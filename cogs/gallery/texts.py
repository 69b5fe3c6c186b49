"""Every Discord-side string of /gallery, kept together and marked for the catalog (each is
shown with ``str()`` or ``.format()`` in the member's language)."""

from __future__ import annotations

from bot.i18n import N_

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

LINK = N_("🖼️ This server's gallery: {url}\nOnly works their authors shared appear there.")
ENABLED = N_("🖼️ The gallery is on. Members get its link with `/gallery link`.")
DISABLED = N_("The gallery is off: its pages answer “not found” until `/gallery enable`.")
ROTATED = N_("🔑 The gallery has a new link; every old link stopped working.")
INDEXABLE_ON = N_("Search engines may now index the gallery's pages.")
INDEXABLE_OFF = N_("The gallery's pages ask search engines not to index them (noindex).")
WEB_OFF_NOTE = N_("\n(The web server is off right now: the operator sets MUSE_WEB_PORT.)")
PROFILE_ON = N_("Your member page is on: it lists the works you share, under your name.")
PROFILE_OFF = N_("Your member page is gone, and your shared works are credited to “a member”.")
PROFILE_UNCHANGED = N_("You had no member page; nothing changed.")
SHARED = N_("🌐 **{label}** is shared in the gallery.")
UNSHARED = N_("🔒 **{label}** is private now: it is gone from the gallery.")
