"""Every word Muse says to its model, as data: the files in ``templates/`` (see its README).

A prompt is a task template (``templates/<name>.txt``) with named ``{placeholders}`` that code
fills with its own words and numbers, plus member slots: labelled pieces of member text that
:func:`models.prompts.build_messages` puts between markers, so they stay material, never
instructions. The persona (``persona.txt``) is the system message of every prompt; short
phrases, slot labels and the system additions live in ``phrases.toml``.

Files are read once, through :mod:`importlib.resources`, so they ship inside the package. A
template and the code that fills it must agree exactly: a missing or an unexpected placeholder
or slot raises :class:`PromptTemplateError`, naming the file.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.i18n import DEFAULT_LOCALE, current_locale, normalize_locale
from models import ChatMessage
from models.prompts import build_messages, user_slot

__all__ = [
    "PERSONA",
    "PHRASES_FILE",
    "PromptTemplateError",
    "Template",
    "language_instruction",
    "persona",
    "phrase",
    "phrases",
    "prompt_messages",
    "slot_labels",
    "template",
    "template_names",
]

PHRASES_FILE = "phrases.toml"
PERSONA = "persona"
_FOLDER = "templates"
_FORMATTER = string.Formatter()


class PromptTemplateError(LookupError):
    """A template and its caller disagree (or a template is missing or malformed)."""


@dataclass(frozen=True, slots=True)
class Template:
    """One text with named placeholders; ``where`` says where it was read from."""

    where: str
    text: str
    fields: frozenset[str]

    @classmethod
    def parse(cls, where: str, text: str) -> Template:
        """A template, checked: only plain named placeholders (no positions, attributes or
        formats), so filling one can do nothing but insert a value."""
        names: set[str] = set()
        try:
            parsed = list(_FORMATTER.parse(text))
        except ValueError as exc:
            raise PromptTemplateError(f"{where}: {exc} (write {{{{ and }}}} for braces)") from None
        for _, name, spec, conversion in parsed:
            if name is None:
                continue
            if not name.isidentifier() or spec or conversion:
                raise PromptTemplateError(
                    f"{where}: placeholder {{{name}{'!' + conversion if conversion else ''}"
                    f"{':' + spec if spec else ''}}} is not a plain {{name}}"
                )
            names.add(name)
        return cls(where, text, frozenset(names))

    def render(self, fields: Mapping[str, object] | None = None) -> str:
        given = dict(fields or {})
        missing = sorted(self.fields - given.keys())
        extra = sorted(given.keys() - self.fields)
        if missing or extra:
            said = []
            if missing:
                said.append(f"no value for {', '.join('{' + n + '}' for n in missing)}")
            if extra:
                said.append(f"no placeholder for {', '.join(extra)}")
            raise PromptTemplateError(f"{self.where}: {'; '.join(said)}")
        return self.text.format_map(given)


def _folder() -> Any:
    return resources.files(__name__).joinpath(_FOLDER)


def template_names() -> tuple[str, ...]:
    """Every task template shipped (the ``.txt`` files, persona included), sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".txt")
            for entry in _folder().iterdir()
            if entry.name.endswith(".txt")
        )
    )


@cache
def template(name: str) -> Template:
    """``templates/<name>.txt``; the file's final line break is not part of the text."""
    where = f"{_FOLDER}/{name}.txt"
    entry = _folder().joinpath(f"{name}.txt")
    if not entry.is_file():
        raise PromptTemplateError(f"{where}: no such template")
    text = entry.read_text(encoding="utf-8")
    return Template.parse(where, text.removesuffix("\n"))


@cache
def _phrase_data() -> dict[str, Any]:
    raw = _folder().joinpath(PHRASES_FILE).read_text(encoding="utf-8")
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise PromptTemplateError(f"{_FOLDER}/{PHRASES_FILE}: {exc}") from None


def _table(key: str) -> dict[str, Any]:
    node: Any = _phrase_data()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise PromptTemplateError(f"{_FOLDER}/{PHRASES_FILE}: no [{key}]")
        node = node[part]
    if not isinstance(node, dict):
        raise PromptTemplateError(f"{_FOLDER}/{PHRASES_FILE}: [{key}] is not a table")
    return node


@cache
def _phrase_template(key: str) -> Template:
    table, _, name = key.rpartition(".")
    value = _table(table).get(name) if table else None
    if not isinstance(value, str):
        raise PromptTemplateError(f"{_FOLDER}/{PHRASES_FILE}: no phrase {key}")
    return Template.parse(f"{_FOLDER}/{PHRASES_FILE} {key}", value)


def phrase(key: str, **fields: object) -> str:
    """The one-line phrase at dotted ``key`` in ``phrases.toml``, filled in."""
    return _phrase_template(key).render(fields)


def phrases(key: str) -> dict[str, str]:
    """A whole table of fixed phrases (no placeholders), in file order."""
    return {name: phrase(f"{key}.{name}") for name in _table(key)}


def slot_labels(name: str) -> dict[str, str]:
    """The member slots of template ``name``: code's key -> the label the model reads, in
    the order the prompt lists them."""
    table = _phrase_data().get("slots", {}).get(name, {})
    return {str(key): str(label) for key, label in table.items()}


def persona() -> str:
    """Muse's system message, the start of every prompt."""
    return template(PERSONA).render()


def language_instruction(locale: str | None) -> str:
    """The system line that asks the model to write in the reply's language ("" for English,
    the language of the templates, and for a language without a name in ``phrases.toml``)."""
    code = normalize_locale(locale)
    if code is None or code == DEFAULT_LOCALE:
        return ""
    name = phrases("language.names").get(code)
    return phrase("language.instruction", language=name) if name else ""


def prompt_messages(
    name: str,
    *,
    fields: Mapping[str, object] | None = None,
    slots: Mapping[str, str | None] | None = None,
    system_slots: Mapping[str, str | None] | None = None,
    locale: str | None = None,
) -> list[ChatMessage]:
    """The messages for template ``name``: the persona (plus, for each ``system_slots`` entry
    with a value, the ``[system]`` phrase of that name around the marked member text), then
    the task filled with ``fields`` and the member ``slots`` that have a value.

    ``slots`` must name exactly the slots ``[slots.<name>]`` declares (a value may be empty
    or None: that slot is left out). ``locale`` is the reply's language (default: the current
    locale, :func:`bot.i18n.current_locale`); the model is told to write in it."""
    task = template(name)
    text = task.render(fields)
    labels = slot_labels(name)
    given = dict(slots or {})
    missing = sorted(labels.keys() - given.keys())
    extra = sorted(given.keys() - labels.keys())
    if missing or extra:
        said = []
        if missing:
            said.append(f"no value for slot {', '.join(missing)}")
        if extra:
            said.append(f"slot {', '.join(extra)} not declared in [slots.{name}]")
        raise PromptTemplateError(f"{task.where} ({_FOLDER}/{PHRASES_FILE}): {'; '.join(said)}")
    member = {label: value for key, label in labels.items() if (value := given[key])}
    extras = [
        phrase(f"system.{key}", member=user_slot(value))
        for key, value in (system_slots or {}).items()
        if value
    ]
    extras.append(language_instruction(current_locale() if locale is None else locale))
    return build_messages(persona(), text, member, system_extra=" ".join(e for e in extras if e))
