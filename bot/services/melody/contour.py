"""The melody's shape: a proposal (from the model, checked, or from the seed) and the target
height it gives each note.

The model only ever proposes a contour, a rhythmic feel, where the climax falls and whether the
chorus lifts; the schema bounds every field, and :func:`checked` clamps or replaces anything
out of bounds. The notes themselves are always chosen by code.
"""

from __future__ import annotations

import math
import random
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

from .types import Contour, Feel, Proposal

__all__ = ["CONTOURS", "FEELS", "ProposalModel", "checked", "code_proposal", "shape"]

CONTOURS: tuple[Contour, ...] = get_args(Contour)
FEELS: tuple[Feel, ...] = get_args(Feel)
# A climax in the first third of a section leaves the rest of it sagging; past 85 % there is no
# room to come down to the cadence. A proposal outside is moved to the nearest bound.
CLIMAX_RANGE = (0.35, 0.85)


class ProposalModel(BaseModel):
    """What the model may answer: four bounded fields."""

    contour: Literal["arch", "rising", "falling", "wave", "valley"]
    feel: Literal["even", "dotted", "spacious"]
    climax_percent: int = Field(ge=0, le=100)
    chorus_lift: bool


def code_proposal(seed: int) -> Proposal:
    """The seeded proposal used when the model is slow, fails or isn't asked."""
    rng = random.Random(f"proposal/{seed}")
    return Proposal(
        contour=rng.choice(CONTOURS),
        feel=rng.choice(FEELS),
        climax=round(rng.uniform(0.45, 0.8), 2),
        chorus_lift=rng.random() < 0.7,
        source="code",
    )


def checked(answer: Any) -> Proposal | None:
    """The model's answer as a proposal, clamped into bounds; None if it can't be used."""
    try:
        model = (
            answer if isinstance(answer, ProposalModel) else ProposalModel.model_validate(answer)
        )
    except Exception:
        return None
    low, high = CLIMAX_RANGE
    climax = min(high, max(low, model.climax_percent / 100))
    return Proposal(model.contour, model.feel, round(climax, 2), model.chorus_lift, "model")


def shape(contour: Contour, climax: float, t: float) -> float:
    """Height 0..1 at ``t`` (0..1 through a section). Every shape comes back down at the end,
    where the section cadences on the tonic."""
    t = min(1.0, max(0.0, t))
    low, high = CLIMAX_RANGE
    c = min(high, max(low, climax))
    if contour == "rising":
        c = max(c, 0.7)
    elif contour == "falling":
        c = min(c, 0.3)
    rise = t / c if t <= c else max(0.0, (1 - t) / (1 - c))
    if contour in ("arch", "rising"):
        return rise
    if contour == "falling":
        return 0.6 * rise + 0.4 * (1 - t)
    if contour == "wave":
        return 0.45 + 0.35 * math.sin(4 * math.pi * t) * (1 - 0.6 * t) + 0.15 * rise
    return 0.15 + 0.6 * abs(2 * t - 1) * (1 - 0.5 * t) + 0.1 * rise  # valley
