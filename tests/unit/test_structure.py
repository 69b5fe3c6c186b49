"""The structure the code keeps: small modules (Architecture II). The layer contracts are checked
by import-linter in ``make test``; this checks what import-linter cannot, the size of a module."""

from __future__ import annotations

from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs", "models")
MODULE_LINE_LIMIT = 400
MEDIAN_LINE_LIMIT = 150


def _line_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            with path.open(encoding="utf-8") as handle:
                counts[str(path.relative_to(ROOT))] = sum(1 for _ in handle)
    return counts


def test_the_packages_hold_modules() -> None:
    counts = _line_counts()
    assert {name.split("/", 1)[0] for name in counts} == set(PACKAGES)
    assert len(counts) > 100


def test_no_module_is_over_the_line_limit() -> None:
    too_long = {name: n for name, n in _line_counts().items() if n > MODULE_LINE_LIMIT}
    assert not too_long, f"split these along their seams (limit {MODULE_LINE_LIMIT}): {too_long}"


def test_the_median_module_stays_small() -> None:
    assert median(_line_counts().values()) < MEDIAN_LINE_LIMIT
