"""The README's run command: `muse run` without a token starts the sandbox and a terminal."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def muse_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env.update(
        MUSE_DATABASE=str(tmp_path / "muse.db"),
        MUSE_MAX_TOKENS="48",
        MUSE_CONTEXT_SIZE="1024",
        MUSE_STREAM_EDIT_INTERVAL="0.5",
    )
    return env


async def spawn_muse(
    tmp_path: Path, *args: str, stdin: bool = False, **env: str
) -> asyncio.subprocess.Process:
    """``python -m bot ARGS`` in ``tmp_path`` with a clean MUSE_* environment plus ``env``."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        stdin=asyncio.subprocess.PIPE if stdin else None,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=muse_env(tmp_path) | env,
        cwd=tmp_path,
    )


async def run_muse(
    tmp_path: Path, *args: str, timeout: float = 60, **env: str
) -> tuple[int, str, str]:
    """Run ``python -m bot ARGS`` to completion: (exit status, stdout, stderr)."""
    process = await spawn_muse(tmp_path, *args, **env)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def read_until(stream: asyncio.StreamReader, marker: str, timeout: float) -> str:
    seen = ""
    async with asyncio.timeout(timeout):
        while marker not in seen:
            chunk = await stream.read(1024)
            if not chunk:
                break
            seen += chunk.decode(errors="replace")
    return seen


@pytest.mark.model
async def test_run_without_token_opens_the_sandbox_terminal(tmp_path: Path) -> None:
    process = await spawn_muse(tmp_path, "run", stdin=True)
    assert process.stdin is not None and process.stdout is not None
    try:
        banner = await read_until(process.stdout, "[admin] >", 60)
        first_line = banner.splitlines()[0]
        assert "sandbox" in first_line and "MUSE_DISCORD_TOKEN" in first_line
        # No token and no MUSE_WEB_PORT: the gallery is on a free local port, and linked.
        assert re.search(r"Gallery: http://127\.0\.0\.1:\d+/ ", banner), banner
        process.stdin.write(b"/write form:poem topic:rain length:short\n")
        await process.stdin.drain()
        reply = await read_until(process.stdout, "Buttons:", 90)
        assert "**Poem · rain**" in reply
        assert "[1] Regenerate" in reply and "[2] Continue" in reply
        process.stdin.write(b"press 9\n/write form:ballad topic:x\nquit\n")
        await process.stdin.drain()
        rest = (await asyncio.wait_for(process.stdout.read(), 60)).decode()
        assert "Say which button" in rest  # no button 9: a clear answer, nothing crashes
        assert "ballad" in rest  # the sandbox refuses a choice Discord would not offer
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (tmp_path / "muse.sandbox.db").exists() and not (tmp_path / "muse.db").exists()


@pytest.mark.model
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signals_shut_down_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    process = await spawn_muse(tmp_path, "run", "--no-terminal")
    assert process.stdout is not None and process.stderr is not None
    try:
        await read_until(process.stdout, "ready in the sandbox", 60)
        process.send_signal(sig)
        code = await asyncio.wait_for(process.wait(), 30)
        errors = (await process.stderr.read()).decode()
        assert code == 0, errors
        assert "Traceback" not in errors
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    # The database was closed cleanly: no WAL left behind.
    assert not (tmp_path / "muse.sandbox.db-wal").exists() or (
        (tmp_path / "muse.sandbox.db-wal").stat().st_size == 0
    )


async def test_invalid_settings_exit_non_zero_without_traceback(tmp_path: Path) -> None:
    code, _, text = await run_muse(
        tmp_path, "run", MUSE_CONTEXT_SIZE="tiny", MUSE_LOG_LEVEL="SHOUTY"
    )
    assert code == 2
    assert "context_size" in text and "log_level" in text and "Traceback" not in text


async def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = await run_muse(tmp_path, "check", MUSE_MODEL_PATH=str(tmp_path / "nowhere.gguf"))
    assert code == 1
    assert "nowhere.gguf" in err and "MUSE_MODEL_PATH" in err
    assert "Traceback" not in err


@pytest.mark.model
async def test_muse_check_reports_model_and_speed(tmp_path: Path) -> None:
    code, text, err = await run_muse(tmp_path, "check", timeout=120)
    assert code == 0, err
    assert "settings: ok" in text and "database: ok" in text
    assert "context 1024" in text and ".gguf" in text
    assert "sample: " in text and "tok/s" in text
    assert "cpu: " in text and "weight repacking" in text  # the CPU guard's choice and why


async def test_unreachable_discord_is_a_clear_error(tmp_path: Path) -> None:
    code, out, text = await run_muse(
        tmp_path,
        "run",
        MUSE_DISCORD_TOKEN="not-a-real-token",
        MUSE_DISCORD_API_BASE="http://127.0.0.1:9/api/v10",  # nothing listens there
    )
    assert code == 1
    assert out.splitlines()[0].startswith("Muse: connecting to Discord")
    assert "cannot reach Discord" in text and "MUSE_DISCORD_API_BASE" in text
    assert "Traceback" not in text and "not-a-real-token" not in text
