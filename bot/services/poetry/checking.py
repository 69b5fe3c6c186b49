"""``/poetry check``: a member's own poem against a form, validated before any work."""

from __future__ import annotations

import asyncio
import re

from bot.errors import UserInputError
from bot.i18n import _
from bot.services.bounds import check_length
from bot.services.prosody import FormSpec, PoemCheck, check_poem, forms, split_poem

__all__ = ["POEM_LIMIT", "check_text", "fixed_forms", "form_choices"]

#: The longest poem text ``/poetry check`` takes: a villanelle of long lines fits.
POEM_LIMIT = 2000
#: Where a Chinese poem typed on one line breaks: after each clause's full-width punctuation.
_ZH_BREAK = re.compile(r"(?<=[，。！？；])")


def fixed_forms() -> dict[str, FormSpec]:
    """The forms with a fixed shape, which /write drafts under the check."""
    return {key: spec for key, spec in forms().items() if spec.fixed}


def form_choices() -> dict[str, str]:
    """Every form a member may pick: key -> label, in the order of ``forms.toml``."""
    return {key: spec.label for key, spec in forms().items()}


def _form(key: str) -> FormSpec:
    table = forms()
    if key not in table:
        raise UserInputError(
            _(
                "I don't know the form {form}. Pick one of: {forms}.",
                form=repr(key[:40]),
                forms=", ".join(table),
            )
        )
    return table[key]


async def check_text(form: str, text: str) -> PoemCheck:
    """Check a poem a member typed: one line per text line, or lines separated by " / "."""
    spec = _form(form)
    check_length(text, field="poem", max_length=POEM_LIMIT)
    lines = split_poem(text)
    if spec.script == "han" and len(lines) == 1:
        # 床前明月光，疑是地上霜。… : a slash option is one line, so the punctuation breaks it.
        lines = [part.strip() for part in _ZH_BREAK.split(lines[0]) if part.strip()]
    if not lines:
        raise UserInputError(
            _('Paste the poem to check: one line per line, or separate lines with " / ".')
        )
    if len(lines) > spec.max_lines + 10:
        raise UserInputError(
            _(
                "That is {count} lines; a {form} has at most {limit}.",
                count=len(lines),
                form=spec.shown_label.lower(),
                limit=spec.max_lines,
            )
        )
    return await asyncio.to_thread(check_poem, lines, spec)
