"""The sandbox's REST rules, exercised with a bare HTTP client (no discord.py, no gateway)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox import Sandbox, SandboxConfig, SandboxError


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(SandboxConfig(member_names=("ann", "ben"))) as sb:
        yield sb


async def _call(
    sandbox: Sandbox, method: str, path: str, *, auth: bool = True, **kwargs: Any
) -> tuple[int, str, Any]:
    headers = {"Authorization": f"Bot {sandbox.token}"} if auth else {}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, sandbox.api_base + path, headers=headers, **kwargs) as resp,
    ):
        text = await resp.text()
        return resp.status, resp.headers.get("Content-Type", ""), json.loads(text) if text else None


async def test_fixtures_are_configurable(sandbox: Sandbox) -> None:
    assert [m.user.username for m in sandbox.members] == ["ann", "ben"]
    assert sandbox.guild.permissions_of(sandbox.admin.id) & (1 << 3)
    assert not sandbox.guild.permissions_of(sandbox.members[0].id) & (1 << 5)


async def test_auth_and_content_type(sandbox: Sandbox) -> None:
    status, ctype, body = await _call(sandbox, "GET", "/users/@me", auth=False)
    assert status == 401 and body["message"] == "401: Unauthorized"
    status, ctype, body = await _call(sandbox, "GET", "/users/@me")
    assert status == 200 and ctype == "application/json"
    assert body["id"] == str(sandbox.bot_user.id) and body["bot"] is True
    status, _, body = await _call(sandbox, "GET", "/gateway/bot")
    assert body["url"] == sandbox.gateway_url and body["shards"] == 1


async def test_message_validation(sandbox: Sandbox) -> None:
    path = f"/channels/{sandbox.channel.id}/messages"
    status, _, body = await _call(sandbox, "POST", path, json={"content": ""})
    assert status == 400 and body["code"] == 50006
    status, _, body = await _call(sandbox, "POST", path, json={"content": "x" * 2001})
    assert status == 400 and body["code"] == 50035
    status, _, body = await _call(sandbox, "POST", "/channels/1/messages", json={"content": "x"})
    assert status == 404 and body["code"] == 10003
    assert sandbox.messages_in(sandbox.channel) == []


async def test_multipart_upload_and_edit(sandbox: Sandbox) -> None:
    form = aiohttp.FormData(quote_fields=False)
    payload = {"content": "art", "attachments": [{"id": 0, "filename": "a.png"}]}
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field(
        "files[0]", b"\x89PNG", filename="a.png", content_type="application/octet-stream"
    )
    path = f"/channels/{sandbox.channel.id}/messages"
    status, _, body = await _call(sandbox, "POST", path, data=form)
    assert status == 200 and body["attachments"][0]["filename"] == "a.png"
    stored = sandbox.message(int(body["id"]))
    assert stored.attachments[0].data == b"\x89PNG"
    assert stored.attachments[0].content_type == "image/png"
    call = sandbox.calls[-1]
    assert call.json == payload and call.files[0].filename == "a.png"
    status, _, body = await _call(
        sandbox, "PATCH", f"{path}/{stored.id}", json={"content": "art v2", "attachments": []}
    )
    assert status == 200 and stored.content == "art v2" and stored.attachments == []
    assert stored.edited_timestamp is not None
    status, _, _ = await _call(sandbox, "GET", "/nowhere")
    assert status == 404 and sandbox.unknown_routes[-1].path == "/nowhere"


async def test_callback_for_unknown_interaction(sandbox: Sandbox) -> None:
    status, _, body = await _call(
        sandbox, "POST", "/interactions/123/abc/callback", auth=False, json={"type": 5}
    )
    assert status == 404 and body["code"] == 10062


async def test_slash_needs_a_connected_bot(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError):
        await sandbox.slash("anything")
