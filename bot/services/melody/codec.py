"""How a melody's lyric, parameters and shape are stored (JSON in the ``melodies`` row)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.db.repositories.melodies import MelodyRow

from .types import MelodyParams, MelodyRecord, Proposal, SectionText

__all__ = ["params_json", "proposal_json", "record_of", "sections_json"]


def sections_json(sections: Sequence[SectionText]) -> str:
    return json.dumps([{"label": s.label, "lines": list(s.lines)} for s in sections])


def params_json(params: MelodyParams) -> str:
    return json.dumps(
        {
            "key": params.key,
            "mode": params.mode,
            "tempo": params.tempo,
            "voice": params.voice,
            "low": params.low,
            "high": params.high,
            "progression": list(params.progression) if params.progression else None,
            "mood": params.mood,
        }
    )


def proposal_json(proposal: Proposal) -> str:
    return json.dumps(
        {
            "contour": proposal.contour,
            "feel": proposal.feel,
            "climax": proposal.climax,
            "chorus_lift": proposal.chorus_lift,
            "source": proposal.source,
        }
    )


def _params(data: dict[str, Any]) -> MelodyParams:
    progression = data.get("progression")
    return MelodyParams(
        key=str(data["key"]),
        mode="minor" if data["mode"] == "minor" else "major",
        tempo=int(data["tempo"]),
        voice=str(data["voice"]),
        low=int(data["low"]),
        high=int(data["high"]),
        progression=tuple(int(d) for d in progression) if progression else None,
        mood=data.get("mood"),
    )


def record_of(row: MelodyRow) -> MelodyRecord:
    proposal = json.loads(row.proposal)
    return MelodyRecord(
        id=row.id,
        guild_id=row.guild_id,
        user_id=row.user_id,
        draft_id=row.draft_id,
        title=row.title,
        sections=tuple(
            SectionText(str(s["label"]), tuple(str(x) for x in s["lines"]))
            for s in json.loads(row.sections)
        ),
        params=_params(json.loads(row.params)),
        seed=row.seed,
        proposal=Proposal(
            contour=proposal["contour"],
            feel=proposal["feel"],
            climax=float(proposal["climax"]),
            chorus_lift=bool(proposal["chorus_lift"]),
            source="model" if proposal.get("source") == "model" else "code",
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
