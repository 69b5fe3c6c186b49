"""Fixed-form poems (haiku, tanka, cinquain, limerick, sonnet, villanelle) drafted by the model
and verified by code: the forms are data (``bot/services/prosody/forms.toml``), the check is
:func:`bot.services.prosody.check_poem`, and ``drafting`` runs draft, check and targeted repair."""

from .checking import POEM_LIMIT, check_text, fixed_forms, form_choices
from .drafting import Composition, PoemDrafter, Progress, expand, plan_asks
from .schemas import CANDIDATES, RepairAsk, draft_model, repair_model
from .types import FormPoem

__all__ = [
    "CANDIDATES",
    "POEM_LIMIT",
    "Composition",
    "FormPoem",
    "PoemDrafter",
    "Progress",
    "RepairAsk",
    "check_text",
    "draft_model",
    "expand",
    "fixed_forms",
    "form_choices",
    "plan_asks",
    "repair_model",
]
