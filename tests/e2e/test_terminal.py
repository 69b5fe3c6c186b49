"""The sandbox terminal as a newcomer meets it: ``make run``'s command in a pseudo-terminal.

Muse is started twice on the same database (the second start once had no commands), the
README's example session runs line by line exactly as the README prints it, and every reply
must appear in full, with no traceback and no log line between the replies.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.model]

README = Path(__file__).resolve().parents[2] / "README.md"
PROMPT = r"\[(\w+)(?: in #[\w -]+)?\] > "
STEP_TIMEOUT = 420  # seconds: the bundled model on a busy 2-core machine


def readme_session() -> list[str]:
    """The lines typed in the README's example session, comments removed."""
    text = README.read_text(encoding="utf-8")
    block = text.split("opens an interactive terminal", 1)[1].split("```", 2)[1]
    typed = []
    for line in block.splitlines():
        match = re.match(PROMPT + r"(.*)$", line)
        if match:
            typed.append(re.sub(r"\s{2,}#\s.*$", "", match.group(2)).strip())
    return typed


def muse_command() -> list[str]:
    """``make run`` runs the ``muse`` console script of the virtualenv."""
    script = Path(sys.executable).with_name("muse")
    if script.exists():
        return [str(script), "run"]
    found = shutil.which("muse")
    return [found, "run"] if found else [sys.executable, "-m", "bot", "run"]


def start(tmp_path: Path) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSE_")}
    env.update(MUSE_DATABASE=str(tmp_path / "muse.db"), MUSE_CONTEXT_SIZE="2048", TERM="dumb")
    command = muse_command()
    child = pexpect.spawn(
        command[0],
        command[1:],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        codec_errors="replace",
        timeout=STEP_TIMEOUT,
        dimensions=(50, 200),
    )
    child.expect(PROMPT, timeout=180)
    banner = child.before
    assert "running in the local sandbox" in banner.splitlines()[0]
    assert "muse.sandbox.log" in banner
    return child


def run_line(child: pexpect.spawn, line: str) -> str:
    """Type one line and return everything printed until the next prompt."""
    child.sendline(line)
    child.expect(PROMPT)
    reply: str = child.before
    # The echo of the typed line comes first; the reply is what follows it.
    return reply.split(line, 1)[-1] if line in reply else reply


def assert_clean(line: str, reply: str) -> None:
    assert "Traceback" not in reply, (line, reply)
    assert not re.search(r"\b(WARNING|ERROR|INFO)\b", reply), (line, reply)  # logs go to a file
    assert reply.strip(), f"no reply to {line!r}"
    # A placeholder or progress note is never the last thing shown: the reply completed.
    last = reply.strip().splitlines()[-1]
    assert "(Muse is thinking…)" not in last and not last.startswith("⏳"), (line, reply)


def test_two_starts_and_the_readme_session(tmp_path: Path) -> None:
    session = readme_session()
    assert "/potd setup channel:general time:09:00 timezone:Europe/Berlin medium:writing" in (
        session
    )
    assert session[-1] == "quit"

    # First start: a short poem, then leave with Ctrl-C, which needs no Enter.
    child = start(tmp_path)
    reply = run_line(child, "/write form:poem topic:rain length:short")
    assert_clean("/write", reply)
    assert "Poem · rain" in reply and "[2] Continue" in reply
    child.sendintr()
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 0, child.before

    # Second start on the same database: the commands are there, and the README's session works.
    child = start(tmp_path)
    replies: dict[str, str] = {}
    try:
        for line in session[:-1]:
            replies[line] = run_line(child, line)
            assert_clean(line, replies[line])
            if line.startswith("/"):
                assert "was not synced" not in replies[line], replies[line]
        child.sendline("quit")
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0

    help_text = next(r for line, r in replies.items() if line.startswith("help /potd setup"))
    assert "channel:" in help_text and "one of: visual, writing, music, mixed" in help_text
    potd = next(r for line, r in replies.items() if line.startswith("/potd setup"))
    assert "prompt of the day is set up" in potd and "#general" in potd
    assert "<t:" not in potd  # timestamps are rendered as the client would
    continued = next(r for line, r in replies.items() if line == "press 2")
    assert "(continued)" in continued
    ended = next(r for line, r in replies.items() if line.startswith("/story end"))
    books = sorted((tmp_path / "muse.sandbox-files").glob("the-lighthouse*"))
    assert {p.suffix for p in books} >= {".md", ".epub"}, (ended, books)
    assert "Themes" in next(r for line, r in replies.items() if line.startswith("/analyze"))
    lyrics = next(r for line, r in replies.items() if line.startswith("/lyrics draft"))
    assert "Verse" in lyrics and "Chorus" in lyrics
    assert (tmp_path / "muse.sandbox.log").stat().st_size > 0


def test_bad_input_gets_a_clear_answer_and_no_traceback(tmp_path: Path) -> None:
    child = start(tmp_path)
    try:
        cases = {
            "/potd setup channel:nowhere time:09:00 timezone:Europe/Berlin medium:writing": (
                "#general"
            ),
            "/potd setup channel:#general time:09:00 timezone:Europe/Berlin medium:oils": (
                "visual, writing, music, mixed"
            ),
            "/story kick member:@nobody": "@alice",
            "/lyrics draft topic:x lines:many": "whole number",
            "/potd": "/potd setup",
            "/nothing": "Commands:",
            "/write form:poem": "topic:",
            "help /write": "one of: poem, story, lyrics, scene",
            "commands": "/story write",
            "press 7": "Say which button",
        }
        for line, expected in cases.items():
            reply = run_line(child, line)
            assert "Traceback" not in reply
            assert expected in reply, (line, reply)
        child.sendline("/potd setup channel:@alice time:09:00 timezone:Europe/Berlin medium:x")
        child.expect(PROMPT)
        assert "Traceback" not in child.before
        child.sendintr()
        child.expect(pexpect.EOF, timeout=30)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
