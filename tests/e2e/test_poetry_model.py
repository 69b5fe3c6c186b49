"""/write form:haiku on the bundled model (SmolLM2-135M): properties, not wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.sandbox import Sandbox, StoredMessage
from bot.services.prosody import check_poem, form_spec

from .conftest import real_engine, start_muse

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROW = re.compile(r"^`\s*(\d+)` ([✓✗]) (.+) — \*(\d+)/(\d+) syll\.\*$")


async def test_a_haiku_on_the_real_model_comes_back_as_three_checked_lines(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    muse = await start_muse(sandbox, tmp_path, engine_factory=real_engine, poetry_repair_rounds=0)
    try:
        ix = await sandbox.slash(
            "write", {"form": "haiku", "topic": "rain on a tin roof"}, user=sandbox.members[0]
        )

        def ready() -> StoredMessage | None:
            original = ix.original
            if original is None or original.loading or not original.embeds:
                return None
            return original if original.custom_ids() else None

        message: StoredMessage = await sandbox.wait_until(ready, 300)
        body = "\n".join(e.get("description", "") for e in message.embeds)
        rows = [ROW.match(row) for row in body.split("\n") if row.startswith("`")]
        assert len(rows) == 3 and all(rows), body
        texts = [m[3] for m in rows if m]
        # The marks shown are the checker's own verdicts on the lines shown.
        check = check_poem(texts, form_spec("haiku"))
        for match, line in zip(rows, check.lines, strict=True):
            assert match is not None
            assert (match[2] == "✓") == line.ok
            assert int(match[5]) == line.target[0] if line.target else False
        verdict = "Every line fits the haiku" in body or "lines miss" in body
        assert verdict, body
        assert message.custom_ids() == ["muse:write:form:1"]
    finally:
        await muse.stop()
