"""Fixed poetry forms as data: ``forms.toml`` (shipped in this package) read into ``FormSpec``.

A form says how many lines it has, the syllables of each line (exact or a range), its rhyme
scheme, which lines are refrains of which, and its meter. Nothing about a form lives in code:
adding a form is adding a table to ``forms.toml``. :func:`bot.services.prosody.poem.check_poem`
checks a poem against a ``FormSpec``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from bot.services.prosody.form_texts import shown
from bot.services.prosody.stanza import SyllableTarget, parse_syllable_target

__all__ = ["FORMS_FILE", "FormSpec", "FormSpecError", "Script", "form_spec", "forms"]

FORMS_FILE = "forms.toml"

Meter = Literal["iambic"]
#: "latin": lines counted in syllables of English words; "han": in Chinese characters.
Script = Literal["latin", "han"]


class FormSpecError(ValueError):
    """``forms.toml`` describes a form that can't be checked (a bug in the data, not input)."""


@dataclass(frozen=True, slots=True)
class FormSpec:
    """One poetry form. Line numbers in ``refrains`` are 0-based indexes here."""

    key: str
    label: str
    prompt: str
    summary: str
    lines: int | None  # None: any count from min_lines to max_lines
    syllables: tuple[SyllableTarget | None, ...] = ()  # one per line ("" when not fixed)
    scheme: str = ""  # one letter per line, no spaces; "" for no rhyme rule
    refrains: Mapping[int, int] = field(default_factory=dict)  # copy line -> source line
    meter: Meter | None = None
    min_lines: int = 1
    max_lines: int = 60
    script: Script = "latin"

    @property
    def unit(self) -> str:
        """What a line's count counts: "syllables", or "characters" for a Chinese form."""
        return "characters" if self.script == "han" else "syllables"

    @property
    def shown_label(self) -> str:
        """The form's name in the current language."""
        return shown(self.label)

    @property
    def shown_summary(self) -> str:
        """The form's rules in a few words, in the current language."""
        return shown(self.summary)

    @property
    def fixed(self) -> bool:
        """Whether the form has a fixed shape that code checks and the model must meet."""
        return self.lines is not None

    def target(self, index: int) -> SyllableTarget | None:
        return self.syllables[index] if index < len(self.syllables) else None

    def letter(self, index: int) -> str | None:
        return self.scheme[index] if index < len(self.scheme) else None

    def source_of(self, index: int) -> int:
        """The line a refrain copy repeats (itself for any other line)."""
        return self.refrains.get(index, index)

    @property
    def own_lines(self) -> tuple[int, ...]:
        """The lines that are not copies of a refrain: what a writer actually writes."""
        count = self.lines or 0
        return tuple(i for i in range(count) if i not in self.refrains)


def _target(value: Any, where: str) -> SyllableTarget:
    try:
        return parse_syllable_target(value)
    except ValueError as exc:
        raise FormSpecError(f"{where}: {exc}") from None


def _spec(key: str, table: dict[str, Any]) -> FormSpec:
    where = f"{FORMS_FILE} [{key}]"
    lines = table.get("lines")
    if lines is not None and (not isinstance(lines, int) or lines < 1):
        raise FormSpecError(f"{where}: lines must be a positive number")
    raw = table.get("syllables")
    targets: tuple[SyllableTarget | None, ...] = ()
    if isinstance(raw, list):
        if len(raw) != lines:
            raise FormSpecError(f"{where}: {len(raw)} syllable targets for {lines} lines")
        targets = tuple(_target(v, where) for v in raw)
    elif raw is not None:
        targets = (_target(raw, where),) * (lines or 0)
    scheme = "".join(str(table.get("scheme", "")).split()).upper()
    if scheme and len(scheme) != lines:
        raise FormSpecError(f"{where}: a scheme of {len(scheme)} letters for {lines} lines")
    refrains: dict[int, int] = {}
    for name, numbers in dict(table.get("refrains", {})).items():
        if not numbers or any(not 1 <= n <= (lines or 0) for n in numbers):
            raise FormSpecError(f"{where}: refrain {name} names a line the form lacks")
        first = numbers[0] - 1
        refrains.update({n - 1: first for n in numbers[1:]})
    meter = table.get("meter")
    if meter not in (None, "iambic"):
        raise FormSpecError(f"{where}: unknown meter {meter!r}")
    script = table.get("script", "latin")
    if script not in ("latin", "han"):
        raise FormSpecError(f"{where}: unknown script {script!r}")
    return FormSpec(
        key=key,
        label=str(table["label"]),
        prompt=str(table["prompt"]),
        summary=str(table["summary"]),
        lines=lines,
        syllables=targets,
        scheme=scheme,
        refrains=refrains,
        meter=meter,
        min_lines=int(table.get("min_lines", lines or 1)),
        max_lines=int(table.get("max_lines", lines or 60)),
        script=script,
    )


@cache
def forms() -> dict[str, FormSpec]:
    """Every form in ``forms.toml``, in file order."""
    raw = resources.files(__package__).joinpath(FORMS_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    return {key: _spec(key, table) for key, table in data.items()}


def form_spec(key: str) -> FormSpec:
    """The form called ``key``; KeyError for an unknown one (callers check members' input)."""
    return forms()[key]
