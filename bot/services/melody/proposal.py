"""Asking the model for the melody's shape: a small, schema-bounded JSON answer, checked by
code. A slow or failing model costs nothing but the wait: the seeded code proposal is used."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.services.prompts import prompt_messages
from models import ChatMessage, GenerationOptions, LLMEngine

from .contour import ProposalModel, checked, code_proposal
from .types import MelodyParams, Proposal, SectionText

__all__ = ["LYRIC_SLOT_CHARS", "PROPOSAL_TOKENS", "proposal_messages", "propose"]

log = logging.getLogger(__name__)

LYRIC_SLOT_CHARS = 600  # the model reads the start of the lyric, enough for its feel
PROPOSAL_TOKENS = 64


def proposal_messages(sections: Sequence[SectionText], params: MelodyParams) -> list[ChatMessage]:
    lyric = " / ".join(line for s in sections for line in s.lines)[:LYRIC_SLOT_CHARS]
    fields = {"key": params.key, "mode": params.mode, "tempo": params.tempo}
    return prompt_messages("melody_shape", fields=fields, slots={"lyric": lyric})


async def propose(
    engine: LLMEngine | None,
    sections: Sequence[SectionText],
    params: MelodyParams,
    seed: int,
    *,
    user_id: int,
    wait: float,
) -> Proposal:
    """The model's checked proposal, or the seeded code proposal."""
    if engine is None:
        return code_proposal(seed)
    options = GenerationOptions(max_tokens=PROPOSAL_TOKENS, temperature=0.8, seed=seed)
    try:
        async with asyncio.timeout(wait):
            answer = await engine.structured(
                proposal_messages(sections, params), ProposalModel, options, user_id=user_id
            )
    except Exception as exc:  # slow, busy or invalid: the code's own shape will do
        log.info("melody proposal fell back to code: %s", type(exc).__name__)
        return code_proposal(seed)
    return checked(answer) or code_proposal(seed)
