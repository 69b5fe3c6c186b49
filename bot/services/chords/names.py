"""The names of the progressions (``PROGRESSIONS``) and of the modes and moods, as a member reads
them. A progression's stored ``label`` stays English; it is shown through :func:`shown_name`.
A unit test checks that every template's name is marked here."""

from __future__ import annotations

from bot.i18n import N_, LazyString, current_locale, translations

__all__ = ["PROGRESSION_NAMES", "choice_name", "shown_name"]

PROGRESSION_NAMES: tuple[LazyString, ...] = (
    N_("the pop anthem"),
    N_("three-chord rock"),
    N_("the fifties doo-wop"),
    N_("campfire sing-along"),
    N_("the royal road"),
    N_("the rising chorus"),
    N_("the climb"),
    N_("the sensitive pop"),
    N_("the minor ballad"),
    N_("the slow lament"),
    N_("the descending lament"),
    N_("the nervous step"),
    N_("the unresolved turnaround"),
    N_("the tightening"),
    N_("the suspense loop"),
    N_("the drift"),
    N_("the floating loop"),
    N_("the haze"),
    N_("the slow swirl"),
    N_("the arena build"),
    N_("the battle march"),
    N_("the aeolian charge"),
    N_("the trailer theme"),
    N_("the canon"),
    N_("the old photograph"),
    N_("the minor cadence"),
    N_("the shadow loop"),
    N_("the descent"),
    N_("the brooding riff"),
    N_("the sunrise"),
    N_("the lift"),
    N_("the open road"),
    N_("the steady climb"),
    N_("the doo-wop turnaround"),
    N_("the jazz ii–V–I"),
    N_("the serenade"),
    N_("the candlelight"),
    N_("the lounge ii–V–I"),
    N_("the two-chord groove"),
    N_("the easy descent"),
    N_("the dorian vamp"),
)


def shown_name(label: str) -> str:
    """A progression's name in the current language (as it is when the catalog lacks it)."""
    return str(LazyString(label))


def choice_name(value: str) -> str:
    """A mode or mood as the /lyrics chords choices show it in the current language."""
    return str(translations(current_locale()).pgettext("choice", value))
