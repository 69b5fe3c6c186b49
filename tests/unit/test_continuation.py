"""Continue adds new text: what the model copies from the piece never reaches the member."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import FakeClock
from bot.db import Repositories
from bot.services.continuation import (
    MAX_COPIED_SHARE,
    NoRepeatFilter,
    copied_share,
    tail_lines,
)
from bot.services.writing import CONTINUE_TAIL_CHARS, NOTHING_NEW, WritingService
from models import ChatMessage, FakeEngine, GenerationOptions, TextDelta

POEM = """**Poem · rain**

In twilight's cloak, where shadows play,
A moment of light shines, a tear in the air,
A little while I remember it all so well,
The night we shared under the river,
And the rain that made it all worth it for me."""


def stream_through(guard: NoRepeatFilter, text: str, size: int = 7) -> str:
    out = "".join(guard.feed(text[i : i + size]) for i in range(0, len(text), size))
    return out + guard.finish()


def test_a_copied_piece_is_dropped_and_new_lines_kept() -> None:
    copy_then_new = POEM + "\nThe gutters hum a silver tune,\nand morning finds the puddles full."
    out = stream_through(NoRepeatFilter(POEM), copy_then_new)
    assert "gutters hum" in out and "puddles full" in out
    assert "twilight" not in out and "Poem · rain" not in out
    assert copied_share(out, POEM) == 0.0


def test_near_copies_and_loops_are_dropped() -> None:
    near = (
        "In twilight's cloak where the shadows play,\nA moment of light shines, a tear in the sky"
    )
    loop = "\nThe kettle sings of distant storms\nThe kettle sings of distant storms tonight"
    out = stream_through(NoRepeatFilter(POEM), near + loop)
    assert out.count("kettle") == 1
    assert copied_share(out, POEM) <= MAX_COPIED_SHARE


def test_overlap_bound_holds_for_any_mix_of_copied_and_new_lines() -> None:
    original_lines = POEM.splitlines()
    new_lines = [f"new line number {i} about lanterns and {i} boats" for i in range(6)]
    for k in range(len(original_lines)):
        mixed = "\n".join(original_lines[k:] + new_lines + original_lines[:k])
        out = stream_through(NoRepeatFilter(POEM), mixed, size=3 + k)
        assert copied_share(out, POEM) <= MAX_COPIED_SHARE
        assert all(line in out for line in new_lines)


def test_tail_lines_keeps_whole_last_lines() -> None:
    tail = tail_lines(POEM, 90)
    assert tail.endswith("worth it for me.") and len(tail) <= 90
    assert "twilight" not in tail


def _copying_responder(extra: str) -> object:
    def respond(messages: Sequence[ChatMessage], options: GenerationOptions) -> str:
        prompt = messages[-1].content
        # A small model's habit: write out the lines it was shown, then (maybe) something new.
        shown = prompt.split("Last lines:", 1)[-1]
        return shown + ("\n" + extra if extra else "")

    return respond


async def _continued(repos: Repositories, extra: str, piece: str) -> tuple[str, FakeEngine]:
    engine = FakeEngine(responder=_copying_responder(extra))  # type: ignore[arg-type]
    await engine.start()
    clock = FakeClock()
    service = WritingService(engine, repos.generations, clock=clock)
    parent = await repos.generations.create(
        guild_id=1,
        channel_id=2,
        user_id=3,
        kind="write",
        form="poem",
        topic="rain",
        tone=None,
        length="short",
        now=clock.now(),
    )
    await repos.generations.finish(parent.id, piece, ok=True, now=clock.now())
    stream = await service.continue_(parent.id, 3)
    text = "".join([e.text async for e in stream.events() if isinstance(e, TextDelta)])
    await engine.close()
    return text, engine


async def test_continue_shows_only_the_tail_and_adds_only_new_lines(repos: Repositories) -> None:
    long_piece = "\n".join(f"verse {i} of the long rain poem goes on" for i in range(40))
    text, engine = await _continued(repos, "Then the clouds part over the harbour.", long_piece)
    prompt = engine.prompts[-1].text
    assert "verse 0 of" not in prompt and "verse 39 of" in prompt  # only the last lines
    assert len(prompt) < len(long_piece)
    assert text.strip() == "Then the clouds part over the harbour."
    assert copied_share(text, long_piece) <= MAX_COPIED_SHARE
    assert len(long_piece) > CONTINUE_TAIL_CHARS


async def test_a_model_that_only_copies_gets_one_retry_then_a_plain_note(
    repos: Repositories,
) -> None:
    text, engine = await _continued(repos, "", POEM)
    assert len(engine.prompts) == 2  # one warmer retry
    assert (engine.prompts[1].options.temperature or 0) > (
        engine.prompts[0].options.temperature or 0
    )
    assert text == NOTHING_NEW
