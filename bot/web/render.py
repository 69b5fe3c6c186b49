"""Jinja2 for the gallery's pages: autoescape on for every template, undefined names an error,
and a few filters that keep member text as text (paragraphs, one-line names, hex colours)."""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.services.text import printable

__all__ = ["TEMPLATES", "build_environment", "month_name", "paragraphs"]

TEMPLATES = Path(__file__).with_name("templates")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def paragraphs(text: str | None) -> list[str]:
    """Member text as paragraphs of plain text (the template escapes each)."""
    clean = printable(text or "")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", clean) if p.strip()]


def one_line(text: str | None) -> str:
    return " ".join(printable(text or "", multiline=False).split())


def colour(value: str) -> str:
    """A swatch colour: a valid '#RRGGBB' or neutral grey."""
    return value.upper() if _HEX.fullmatch(value) else "#808080"


def text_colour(value: str) -> str:
    """Black or white, whichever reads better on the swatch."""
    hex_value = colour(value)
    r, g, b = (int(hex_value[i : i + 2], 16) for i in (1, 3, 5))
    return "#111111" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#FFFFFF"


def day(moment: datetime | None) -> str:
    return moment.strftime("%d %B %Y").lstrip("0") if moment else ""


def month_name(month: str) -> str:
    """'2026-03' -> 'March 2026'."""
    year, number = month.split("-")
    return f"{calendar.month_name[int(number)]} {year}"


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters: dict[str, Any] = {
        "paragraphs": paragraphs,
        "one_line": one_line,
        "colour": colour,
        "text_colour": text_colour,
        "day": day,
        "month_name": month_name,
    }
    env.filters.update(filters)
    return env
