"""The README's run command: `muse run` without a token starts the sandbox and a terminal."""

from __future__ import annotations

import asyncio
import os
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
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=muse_env(tmp_path),
        cwd=tmp_path,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        banner = await read_until(process.stdout, "[admin] >", 60)
        first_line = banner.splitlines()[0]
        assert "sandbox" in first_line and "MUSE_DISCORD_TOKEN" in first_line
        process.stdin.write(b"/write form:poem topic:rain length:short\n")
        await process.stdin.drain()
        reply = await read_until(process.stdout, "Buttons:", 90)
        assert "**Poem · rain**" in reply
        assert "[1] Regenerate" in reply and "[2] Continue" in reply
        process.stdin.write(b"press 9\n/write form:haiku topic:x\nquit\n")
        await process.stdin.drain()
        rest = (await asyncio.wait_for(process.stdout.read(), 60)).decode()
        assert "Say which button" in rest  # no button 9: a clear answer, nothing crashes
        assert "haiku" in rest  # the sandbox refuses a choice Discord would not offer
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert (tmp_path / "muse.sandbox.db").exists() and not (tmp_path / "muse.db").exists()


@pytest.mark.model
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signals_shut_down_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--no-terminal",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=muse_env(tmp_path),
        cwd=tmp_path,
    )
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
    env = muse_env(tmp_path)
    env["MUSE_CONTEXT_SIZE"] = "tiny"
    env["MUSE_LOG_LEVEL"] = "SHOUTY"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    text = err.decode()
    assert "context_size" in text and "log_level" in text and "Traceback" not in text


async def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    env = muse_env(tmp_path)
    env["MUSE_MODEL_PATH"] = str(tmp_path / "nowhere.gguf")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "nowhere.gguf" in err.decode() and "MUSE_MODEL_PATH" in err.decode()
    assert "Traceback" not in err.decode()


@pytest.mark.model
async def test_muse_check_reports_model_and_speed(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=muse_env(tmp_path),
        cwd=tmp_path,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    text = out.decode()
    assert process.returncode == 0, err.decode()
    assert "settings: ok" in text and "database: ok" in text
    assert "context 1024" in text and ".gguf" in text
    assert "sample: " in text and "tok/s" in text


async def test_unreachable_discord_is_a_clear_error(tmp_path: Path) -> None:
    env = muse_env(tmp_path)
    env["MUSE_DISCORD_TOKEN"] = "not-a-real-token"
    env["MUSE_DISCORD_API_BASE"] = "http://127.0.0.1:9/api/v10"  # nothing listens there
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert out.decode().splitlines()[0].startswith("Muse: connecting to Discord")
    text = err.decode()
    assert "cannot reach Discord" in text and "MUSE_DISCORD_API_BASE" in text
    assert "Traceback" not in text and "not-a-real-token" not in text
