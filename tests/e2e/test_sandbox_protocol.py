"""The sandbox speaks Discord well enough for the unmodified discord.py client.

A plain ``commands.Bot`` (not Muse) with a few tiny app commands logs in over real sockets on
127.0.0.1 and is driven the way Discord's users would drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.endpoints import apply_discord_endpoints, current_discord_endpoints
from bot.sandbox import Sandbox, SandboxConfig, SandboxError

pytestmark = pytest.mark.e2e

COLORS = ["amber", "azure", "crimson", "indigo", "ivory", "jade"]


class VoteModal(discord.ui.Modal, title="Why?"):
    reason: discord.ui.TextInput[VoteModal] = discord.ui.TextInput(
        label="Reason", custom_id="vote:reason", max_length=100
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.reason.value}", ephemeral=True)


class VoteView(discord.ui.View):
    @discord.ui.button(label="Vote", custom_id="vote:open")
    async def open_modal(
        self, interaction: discord.Interaction, button: discord.ui.Button[VoteView]
    ) -> None:
        await interaction.response.send_modal(VoteModal())


class ProtocolBot(commands.Bot):
    """A minimal bot: one command per protocol path the sandbox must get right."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents(guilds=True, members=True, guild_messages=True),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.guild_id = guild_id
        self.errors: list[int] = []
        self.seen_messages: list[discord.Message] = []
        self.resumed = asyncio.Event()

    async def setup_hook(self) -> None:
        tree = self.tree

        @tree.command()
        async def draft(interaction: discord.Interaction, topic: str) -> None:
            """Defer, edit twice, then follow up with a file."""
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content=f"drafting {topic}...")
            await interaction.edit_original_response(content=f"draft about {topic}")
            await interaction.followup.send(
                "attached", file=discord.File(io.BytesIO(b"once upon a time"), "draft.txt")
            )

        @tree.command()
        async def quick(interaction: discord.Interaction) -> None:
            """Defer privately, then answer with one follow-up."""
            await interaction.response.defer(thinking=True, ephemeral=True)
            await interaction.followup.send("quick answer", ephemeral=True)

        @tree.command()
        async def vote(interaction: discord.Interaction) -> None:
            """A message with a button that opens a modal."""
            await interaction.response.send_message("Cast your vote", view=VoteView())

        @tree.command()
        async def slow(interaction: discord.Interaction, delay: float) -> None:
            """Answer too late."""
            await asyncio.sleep(delay)
            try:
                await interaction.response.send_message("late")
            except discord.HTTPException as exc:
                self.errors.append(exc.code)

        @tree.command()
        async def color(interaction: discord.Interaction, name: str) -> None:
            """Pick a colour."""
            await interaction.response.send_message(f"you picked {name}")

        @color.autocomplete("name")
        async def color_complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=c, value=c) for c in COLORS if c.startswith(current)]

        @tree.command()
        async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
            """Read an attachment and send it back."""
            data = await file.read()
            await interaction.response.send_message(
                f"{file.filename}:{len(data)}",
                file=discord.File(io.BytesIO(data[::-1]), "reversed.bin"),
            )

        @tree.command()
        async def whois(interaction: discord.Interaction, member: discord.Member) -> None:
            """Resolve a member option."""
            await interaction.response.send_message(f"{member.name} {member.id}")

        @tree.command()
        async def thread(interaction: discord.Interaction, name: str) -> None:
            """Open a thread on a new message and post in it."""
            await interaction.response.defer(ephemeral=True, thinking=True)
            assert isinstance(interaction.channel, discord.TextChannel)
            starter = await interaction.channel.send(f"thread: {name}")
            created = await starter.create_thread(name=name)
            await created.send("first post")
            await interaction.followup.send(f"opened {created.id}")

        @tree.command(guild=discord.Object(self.guild_id))
        async def admin(interaction: discord.Interaction) -> None:
            """A guild-only command."""
            await interaction.response.send_message("admin ok")

        await tree.sync()
        await tree.sync(guild=discord.Object(self.guild_id))

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Skip discord.py's 5 s pause before re-identifying: the sandbox has no identify limit."""

    async def on_message(self, message: discord.Message) -> None:
        self.seen_messages.append(message)

    async def on_resumed(self) -> None:
        self.resumed.set()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    previous = current_discord_endpoints()
    async with Sandbox() as sb:
        apply_discord_endpoints(sb.api_base, sb.gateway_url)
        yield sb
    apply_discord_endpoints(*previous)


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[ProtocolBot]:
    client = ProtocolBot(sandbox.guild.id)
    task = asyncio.create_task(client.start(sandbox.token))
    try:
        await sandbox.wait_until_ready()
        await sandbox.wait_for_commands("draft", "vote", "admin")
        yield client
    finally:
        await client.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def test_login_ready_and_guild_create(sandbox: Sandbox, bot: ProtocolBot) -> None:
    await asyncio.wait_for(bot.wait_until_ready(), 5)
    assert bot.user is not None and bot.user.id == sandbox.bot_user.id
    assert bot.application_id == sandbox.application_id
    guild = bot.get_guild(sandbox.guild.id)
    assert guild is not None and guild.name == sandbox.guild.name
    assert {c.name for c in guild.text_channels} == {c.name for c in sandbox.channels}
    assert guild.get_member(sandbox.admin.id) is not None
    assert guild.get_member(sandbox.admin.id).guild_permissions.administrator  # type: ignore[union-attr]
    assert not guild.get_member(sandbox.members[0].id).guild_permissions.manage_guild  # type: ignore[union-attr]
    assert [r.event for r in sandbox.gateway_records if r.event][:2] == ["READY", "GUILD_CREATE"]
    assert {c.method + " " + (c.route or "") for c in sandbox.calls} >= {
        "GET /users/@me",
        "GET /oauth2/applications/@me",
    }
    assert sandbox.gateway.connections[0].compress in ("zlib-stream", "zstd-stream")
    assert sandbox.unknown_routes == []


async def test_tree_sync_is_stored(sandbox: Sandbox, bot: ProtocolBot) -> None:
    global_names = {c["name"] for c in sandbox.commands()}
    assert {"draft", "quick", "vote", "slow", "color", "upload", "thread"} <= global_names
    assert "admin" not in global_names
    guild_cmds = sandbox.commands(sandbox.guild)
    admin = next(c for c in guild_cmds if c["name"] == "admin")
    assert admin["guild_id"] == str(sandbox.guild.id)
    draft = next(c for c in guild_cmds if c["name"] == "draft")
    assert draft["options"][0]["name"] == "topic" and draft["options"][0]["required"]
    assert draft["description"] == "Defer, edit twice, then follow up with a file."


async def test_slash_defer_edits_and_followup_with_file(sandbox: Sandbox, bot: ProtocolBot) -> None:
    ix = await sandbox.slash("draft", {"topic": "tides"}, user=sandbox.members[1])
    final = await ix.final_message()
    assert ix.response_type == 5
    original, followup = ix.messages
    assert original.content == "draft about tides"
    assert not original.loading
    assert len(original.edits) == 2
    assert followup is final and final.content == "attached"
    assert final.attachments[0].filename == "draft.txt"
    assert final.attachments[0].data == b"once upon a time"
    assert final.attachments[0].content_type == "text/plain"
    assert final.allowed_mentions == {"parse": []}
    assert ix.latency is not None and ix.latency < 3
    assert [m.id for m in sandbox.messages_in(sandbox.channel)] == [original.id, followup.id]


async def test_followup_replaces_ephemeral_thinking_message(
    sandbox: Sandbox, bot: ProtocolBot
) -> None:
    ix = await sandbox.slash("quick")
    final = await ix.final_message()
    assert len(ix.messages) == 1
    assert final.id == ix.stored.original_message_id
    assert final.content == "quick answer"
    assert final.ephemeral and final.flags & 64
    assert not final.loading
    # Ephemeral messages are not broadcast over the gateway.
    assert all(d["id"] != str(final.id) for d in sandbox.dispatched("MESSAGE_CREATE"))


async def test_late_callback_answers_unknown_interaction(
    sandbox: Sandbox, bot: ProtocolBot
) -> None:
    sandbox.rest.interaction_timeout = 0.2
    ix = await sandbox.slash("slow", {"delay": 0.4})
    call = await ix.response()
    assert call.status == 404
    assert call.response == {"code": 10062, "message": "Unknown interaction"}
    await sandbox.wait_until(lambda: bot.errors, 3)
    assert bot.errors == [10062]
    assert ix.response_type is None and ix.messages == []


async def test_second_acknowledgement_is_rejected(sandbox: Sandbox, bot: ProtocolBot) -> None:
    ix = await sandbox.slash("color", {"name": "jade"})
    message = await ix.final_message()
    assert message.content == "you picked jade"
    url = f"{sandbox.api_base}/interactions/{ix.id}/{ix.token}/callback?with_response=1"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp,
    ):
        assert resp.status == 400
        assert resp.headers["Content-Type"] == "application/json"
        body = await resp.json()
    assert body["code"] == 40060
    assert [m.content for m in ix.messages] == ["you picked jade"]


async def test_button_opens_modal_and_submit_answers(sandbox: Sandbox, bot: ProtocolBot) -> None:
    ix = await sandbox.slash("vote")
    ballot = await ix.final_message()
    assert ballot.custom_ids() == ["vote:open"]
    press = await sandbox.click(ballot, "vote:open", user=sandbox.members[2])
    modal = await press.wait_modal()
    assert modal["title"] == "Why?"
    with pytest.raises(SandboxError):
        await sandbox.submit_modal(press, {"nope": "x"})
    submitted = await sandbox.submit_modal(press, {"vote:reason": "it rhymes"})
    thanks = await submitted.final_message()
    assert thanks.content == "Thanks: it rhymes"
    assert thanks.ephemeral
    assert submitted.user.id == sandbox.members[2].id
    with pytest.raises(SandboxError):
        await sandbox.click(ballot, "vote:missing")


async def test_autocomplete_returns_choices(sandbox: Sandbox, bot: ProtocolBot) -> None:
    choices = await sandbox.autocomplete("color", {"name": "i"}, focused="name")
    assert [c["value"] for c in choices] == ["indigo", "ivory"]
    assert await sandbox.autocomplete("color", {}, focused="name") != []


async def test_attachment_option_is_readable_and_reply_file_stored(
    sandbox: Sandbox, bot: ProtocolBot
) -> None:
    ix = await sandbox.slash("upload", {"file": ("poem.txt", b"roses are red")})
    reply = await ix.final_message()
    assert reply.content == "poem.txt:13"
    assert reply.attachment_names == ["reversed.bin"]
    assert reply.attachments[0].data == b"der era sesor"


async def test_member_option_resolves_and_validation(sandbox: Sandbox, bot: ProtocolBot) -> None:
    target = sandbox.members[2]
    ix = await sandbox.slash("whois", {"member": target})
    assert (await ix.final_message()).content == f"{target.user.username} {target.id}"
    with pytest.raises(SandboxError, match="missing required"):
        await sandbox.slash("whois", {})
    with pytest.raises(SandboxError, match="not synced"):
        await sandbox.slash("nosuchcommand")


async def test_guild_command_carries_guild_id(sandbox: Sandbox, bot: ProtocolBot) -> None:
    ix = await sandbox.slash("admin", user=sandbox.admin)
    assert ix.stored.data["guild_id"] == str(sandbox.guild.id)
    assert (await ix.final_message()).content == "admin ok"


async def test_threads_are_created_and_usable(sandbox: Sandbox, bot: ProtocolBot) -> None:
    ix = await sandbox.slash("thread", {"name": "chain"})
    final = await ix.final_message()
    thread_id = int(final.content.split()[1])
    thread = sandbox.state.channels[thread_id]
    assert thread.is_thread and thread.parent_id == sandbox.channel.id and thread.name == "chain"
    assert [m.content for m in sandbox.messages_in(thread)] == ["first post"]
    starter = sandbox.messages_in(sandbox.channel)[-1]
    assert starter.content == "thread: chain" and starter.thread_id == thread_id
    assert sandbox.dispatched("THREAD_CREATE")[0]["id"] == str(thread_id)


async def test_rate_limited_edits_are_retried(sandbox: Sandbox, bot: ProtocolBot) -> None:
    rule = sandbox.rate_limit_edits(every_n=2, retry_after=0.05)
    ix = await sandbox.slash("draft", {"topic": "storms"})
    await ix.final_message()
    assert rule.hits >= 1
    limited = [c for c in sandbox.calls if c.rate_limited]
    assert limited and all(c.status == 429 for c in limited)
    assert ix.messages[0].content == "draft about storms"


async def test_channel_edits_survive_global_rate_limit_and_dms_work(
    sandbox: Sandbox, bot: ProtocolBot
) -> None:
    channel = bot.get_channel(sandbox.channel.id)
    assert isinstance(channel, discord.TextChannel)
    rule = sandbox.rate_limit_edits(every_n=2, retry_after=0.05, is_global=True)
    sent = await channel.send("v1")
    await sent.edit(content="v2")
    await sent.edit(content="v3")
    assert rule.hits == 1
    assert sandbox.message(sent.id).content == "v3"
    assert [e.body["content"] for e in sandbox.message(sent.id).edits] == ["v2", "v3"]
    member = sandbox.members[0]
    user = await bot.fetch_user(member.id)
    await user.send("hello in private")
    dm = sandbox.dm_channel(member)
    assert [m.content for m in sandbox.messages_in(dm)] == ["hello in private"]


async def test_drop_gateway_resumes_and_replays(sandbox: Sandbox, bot: ProtocolBot) -> None:
    await sandbox.drop_gateway()
    posted = await sandbox.user_message(content="while you were away")
    await asyncio.wait_for(bot.resumed.wait(), 5)
    assert sandbox.gateway.resume_count == 1 and sandbox.gateway.identify_count == 1
    await sandbox.wait_until(lambda: any(m.id == posted.id for m in bot.seen_messages), 3)
    # Without the MESSAGE_CONTENT intent the bot sees no content, as on Discord.
    assert next(m for m in bot.seen_messages if m.id == posted.id).content == ""
    ix = await sandbox.slash("color", {"name": "azure"})
    assert (await ix.final_message()).content == "you picked azure"


async def test_reconnect_op_resumes(sandbox: Sandbox, bot: ProtocolBot) -> None:
    await sandbox.send_reconnect()
    await asyncio.wait_for(bot.resumed.wait(), 5)
    assert sandbox.gateway.resume_count == 1


async def test_invalid_session_forces_identify(sandbox: Sandbox, bot: ProtocolBot) -> None:
    await sandbox.invalidate_session()
    await sandbox.wait_until(lambda: sandbox.gateway.identify_count == 2, 10)
    await sandbox.wait_until_ready()
    assert sandbox.gateway.resume_count == 0
    ix = await sandbox.slash("color", {"name": "ivory"})
    assert (await ix.final_message()).content == "you picked ivory"


async def test_unknown_route_is_recorded(sandbox: Sandbox, bot: ProtocolBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.fetch_invite("no-such-invite")
    assert [c.path for c in sandbox.unknown_routes] == ["/invites/no-such-invite"]
    assert sandbox.unknown_routes[0].status == 404


async def test_heartbeat_latency_is_a_round_trip_not_an_interval() -> None:
    """discord.py measures latency from the heartbeat it sent; an ACK that overtakes that
    bookkeeping made it measure a whole interval and warn "Can't keep up ... 41.3s behind"."""
    previous = current_discord_endpoints()
    async with Sandbox(SandboxConfig(heartbeat_interval_ms=2000)) as sandbox:
        apply_discord_endpoints(sandbox.api_base, sandbox.gateway_url)
        client = discord.Client(intents=discord.Intents.none())
        task = asyncio.create_task(client.start(sandbox.token))
        spinning = True

        async def busy_loop() -> None:
            # A loop that never idles (a bot at work) holds the GIL between switch intervals,
            # so discord.py's keep-alive thread wakes late, as it did in the terminal.
            while spinning:  # noqa: ASYNC110
                await asyncio.sleep(0)

        spinner = asyncio.create_task(busy_loop())
        try:
            await sandbox.wait_until_ready()
            latencies: list[float] = []

            def acks_sent() -> int:
                return sum(
                    1 for r in sandbox.gateway_records if r.direction == "send" and r.op == 11
                )

            for count in range(1, 4):
                await sandbox.wait_until(lambda c=count: sandbox.gateway.heartbeat_count >= c, 10)
                await sandbox.wait_until(lambda c=count: acks_sent() >= c, 5)
                await asyncio.sleep(0.05)  # let the client handle the ACK
                latencies.append(client.latency)
        finally:
            spinning = False
            await spinner
            await client.close()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    apply_discord_endpoints(*previous)
    # Every beat measured far less than the 2 s interval (the bug measured >= 2 s each time).
    assert all(latency < 1.0 for latency in latencies), latencies
