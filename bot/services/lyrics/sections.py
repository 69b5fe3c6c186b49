"""Song sections as a member reads them, in the current language.

A part's stored ``key`` ("verse 2", "chorus") and ``label`` ("Verse 2") stay English: they are
saved with the draft and read by the prompts. What a member sees is made from the key here.
"""

from __future__ import annotations

from bot.i18n import N_, LazyString, _

__all__ = ["SECTION_NAMES", "section_label", "section_name"]

#: Each section kind's name, lower case as it is used inside a sentence.
SECTION_NAMES: dict[str, LazyString] = {
    "intro": N_("intro"),
    "verse": N_("verse"),
    "pre-chorus": N_("pre-chorus"),
    "chorus": N_("chorus"),
    "bridge": N_("bridge"),
    "hook": N_("hook"),
    "refrain": N_("refrain"),
    "outro": N_("outro"),
}


def section_name(kind: str) -> str:
    """A section kind inside a sentence ("verse"); an unknown one as it is."""
    known = SECTION_NAMES.get(kind)
    return str(known) if known is not None else kind


def section_label(key: str) -> str:
    """A part's title from its key: "verse 2" -> "Verse 2", "chorus" -> "Chorus"."""
    kind, _sep, number = key.rpartition(" ")
    if kind and number.isdigit():
        return _("{section} {number}", section=section_name(kind).title(), number=number)
    return section_name(key).title()
