"""How a draft is stored: its song plan as JSON, and a stored row turned back into a
:class:`~bot.services.lyrics.types.Draft` with each line's analysis."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.db.repositories.lyrics import LyricsDraftRecord
from bot.services.prosody import LineAnalysis, analyze_stanza

from .request import PartSpec, SongSpec
from .types import Draft

__all__ = ["analyse_lines", "load_draft", "spec_from_json", "spec_to_json"]


def spec_to_json(song: SongSpec) -> str:
    return json.dumps(
        {
            "topic": song.topic,
            "genre": song.genre,
            "mood": song.mood,
            "order": list(song.order),
            "parts": [
                {
                    "key": p.key,
                    "kind": p.kind,
                    "label": p.label,
                    "scheme": p.scheme,
                    "lines": p.lines,
                    "syllables": list(p.syllables) if p.syllables else None,
                }
                for p in song.parts
            ],
        }
    )


def spec_from_json(text: str) -> SongSpec:
    data = json.loads(text)
    parts = tuple(
        PartSpec(
            key=p["key"],
            kind=p["kind"],
            label=p["label"],
            scheme=p["scheme"],
            lines=int(p["lines"]),
            syllables=(int(p["syllables"][0]), int(p["syllables"][1]))
            if p.get("syllables")
            else None,
        )
        for p in data["parts"]
    )
    return SongSpec(data["topic"], data.get("genre"), data.get("mood"), tuple(data["order"]), parts)


def analyse_lines(
    song: SongSpec, lines: dict[str, tuple[str, ...]]
) -> dict[str, tuple[LineAnalysis, ...]]:
    return {p.key: tuple(analyze_stanza(lines[p.key], p.scheme, p.syllables)) for p in song.parts}


async def load_draft(record: LyricsDraftRecord) -> Draft:
    """The draft in ``record``, its lines analysed off the event loop."""
    song = spec_from_json(record.spec)
    raw: dict[str, Any] = json.loads(record.lines)
    lines = {p.key: tuple(str(x) for x in raw.get(p.key, ())) for p in song.parts}
    analysis = await asyncio.to_thread(analyse_lines, song, lines)
    return Draft(
        id=record.id,
        guild_id=record.guild_id,
        channel_id=record.channel_id,
        user_id=record.user_id,
        song=song,
        lines=lines,
        analysis=analysis,
        saved=record.saved,
        public=record.public,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )
