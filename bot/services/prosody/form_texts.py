"""The member-facing words of ``forms.toml`` (each form's label and summary), marked for the
catalog: Babel reads Python, not TOML. A unit test checks that every label and summary in the
file is listed here, so a new form cannot be shown untranslatable."""

from __future__ import annotations

from bot.i18n import N_, LazyString

__all__ = ["FORM_TEXTS", "shown"]

FORM_TEXTS: tuple[LazyString, ...] = (
    N_("Haiku"),
    N_("3 lines of 5, 7, 5 syllables"),
    N_("Tanka"),
    N_("5 lines of 5, 7, 5, 7, 7 syllables"),
    N_("Cinquain"),
    N_("5 lines of 2, 4, 6, 8, 2 syllables"),
    N_("Limerick"),
    N_("5 lines rhymed AABBA; lines 1, 2 and 5 of 8-9 syllables, lines 3 and 4 of 5-6"),
    N_("Shakespearean sonnet"),
    N_("14 lines of 10 syllables, iambic, rhymed ABAB CDCD EFEF GG"),
    N_("Villanelle"),
    N_("19 lines rhymed ABA; line 1 returns as lines 6, 12 and 18, line 3 as lines 9, 15 and 19"),
    N_("五言绝句 (Chinese quatrain, 5 characters)"),
    N_("4 lines of 5 Chinese characters; lines 2 and 4 rhyme, line 1 may"),
    N_("七言绝句 (Chinese quatrain, 7 characters)"),
    N_("4 lines of 7 Chinese characters; lines 2 and 4 rhyme, line 1 may"),
    N_("Free verse"),
    N_("any number of lines, no fixed syllables or rhyme"),
)


def shown(text: str) -> str:
    """A label or summary from ``forms.toml`` in the current language (as it is when the
    catalog lacks it)."""
    return str(LazyString(text))
