"""/lyrics draft on the bundled model (SmolLM2-135M): properties, not wording."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, StoredMessage
from bot.services.lyrics.drafting import LINE_CHARS

from .conftest import real_engine, start_muse

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROW = re.compile(r"^`\s*(\d+)` ([✓✗]) (.+) — \*(\d+) · ([A-Z])\*$")


async def test_draft_on_the_real_model_returns_checked_lyrics(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    muse = await start_muse(sandbox, tmp_path, engine_factory=real_engine, lyrics_repair_rounds=1)
    try:
        started = time.monotonic()
        ix = await sandbox.slash(
            "lyrics draft",
            {
                "topic": "the sea at night",
                "structure": "verse",
                "rhyme_scheme": "AABB",
                "syllables": "6-10",
            },
            user=sandbox.members[0],
        )

        def ready() -> StoredMessage | None:
            original = ix.original
            if original is None or original.loading or not original.embeds:
                return None
            return original if original.custom_ids() else None

        message: StoredMessage = await sandbox.wait_until(ready, 300)
        elapsed = time.monotonic() - started
        rows = [
            row
            for row in (message.embeds[1].get("description") or "").split("\n")
            if row.startswith("`")
        ]
        assert len(rows) == 4, rows
        for number, row in enumerate(rows, start=1):
            match = ROW.match(row)
            assert match, row
            assert int(match[1]) == number
            text = match[3]
            # Lines are bounded by the schema (12 words of at most 12 letters), not by a guess.
            assert 2 <= len(text) <= LINE_CHARS and "{" not in text and "http" not in text
            assert int(match[4]) >= 1
        header = message.embeds[0]["description"]
        assert re.search(r"\d of 4 lines pass", header)
        stored = await muse.bot.repos.lyrics.get(1)
        assert stored is not None and not stored.saved
        print(f"\n/lyrics draft on the bundled model: {elapsed:.1f} s; {header.splitlines()[-1]}")
        for row in rows:
            print("  ", row)
    finally:
        await muse.stop()
