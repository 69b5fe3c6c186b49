"""The longest value of every option of every command never makes Discord answer 400.

The schema is read from what the bot synced, so every free-text option must declare a length
(Discord's client enforces it) whose figure matches its description; the sandbox refuses any
over-limit message, embed, component or modal with 400/50035, as Discord does.
"""

from __future__ import annotations

import re

import discord
import pytest

from bot.sandbox import Sandbox, SandboxError

from .conftest import MuseHarness, assert_no_unwanted_pings
from .option_space import base_options, leaf_commands, settle

pytestmark = pytest.mark.e2e


def test_sandbox_refuses_over_limit_payloads() -> None:
    from bot.sandbox.limits import message_violation, modal_violation

    embed = {"title": "t", "description": "d" * 4097}
    assert message_violation("x" * 2001, [], [], 0) == (
        "content",
        "Must be 2000 or fewer in length.",
    )
    assert message_violation("", [embed], [], 0) is not None
    assert message_violation("", [{"description": "d" * 3000}] * 3, [], 0) is not None
    assert message_violation("", [], [], 11) is not None
    row = {"type": 1, "components": [{"type": 2, "label": "b" * 81, "custom_id": "x"}]}
    assert message_violation("", [], [row], 0) is not None
    assert modal_violation({"title": "t" * 46, "custom_id": "m"}) is not None
    assert message_violation("x" * 2000, [{"description": "d" * 4096}], [], 10) is None


async def test_every_text_option_declares_lengths_that_its_description_matches(
    muse: MuseHarness,
) -> None:
    leaves = leaf_commands(muse.sandbox)
    assert len(leaves) > 30
    checked = 0
    for leaf in leaves:
        for option in leaf.text_options():
            where = f"/{leaf.name} {option['name']}"
            assert option.get("min_length", 0) >= 1, f"{where} has no min_length"
            assert "max_length" in option, f"{where} has no max_length"
            stated = re.search(r"up to ([\d,]+) characters", option["description"])
            if stated:
                assert int(stated.group(1).replace(",", "")) == option["max_length"], where
            checked += 1
    assert checked >= 45


async def test_longest_value_of_every_option_is_answered_without_a_400(muse: MuseHarness) -> None:
    sandbox: Sandbox = muse.sandbox
    answered = 0
    for leaf in leaf_commands(sandbox):
        options = base_options(sandbox, leaf, longest=True)
        handle = await sandbox.slash(leaf.name, options, user=sandbox.admin)
        kind = await handle.acknowledged(timeout=15)
        if kind == 9:  # a form: fill every input to its longest
            modal = await handle.wait_modal()
            values = {
                child["custom_id"]: ("w " * 2000)[: int(child.get("max_length", 4000))].strip()
                for row in modal.get("components", [])
                for child in row.get("components", [])
                if child.get("type") == 4
            }
            submitted = await sandbox.submit_modal(handle, values)
            await submitted.acknowledged(timeout=15)
        await settle(sandbox)
        answered += 1
    refused = [c for c in sandbox.calls if c.status == 400]
    assert not refused, f"Discord would refuse: {[(c.path, c.response) for c in refused]}"
    assert answered == len(leaf_commands(sandbox))
    assert_no_unwanted_pings(sandbox.calls, allowed_users=[m.id for m in sandbox.members])


async def test_one_over_the_limit_is_refused_privately_by_the_service(muse: MuseHarness) -> None:
    """A modified client can send 6,000 characters whatever the schema says: each service
    re-checks the same limit and answers privately."""
    sandbox = muse.sandbox
    checked = named_limit = 0
    for leaf in leaf_commands(sandbox):
        for option in leaf.text_options():
            if option.get("autocomplete") or option["max_length"] >= 6000:
                continue
            options = base_options(sandbox, leaf, longest=False)
            options[option["name"]] = "a" * (option["max_length"] + 1)
            handle = await sandbox.slash(
                leaf.name, options, user=sandbox.admin, check_lengths=False
            )
            await handle.acknowledged(timeout=15)
            await settle(sandbox)
            where = f"/{leaf.name} {option['name']}"
            replies = handle.messages
            assert replies, f"{where}: no answer"
            assert all(m.ephemeral for m in replies), f"{where}: the refusal is public"
            assert "incident" not in replies[-1].content, f"{where}: {replies[-1].content!r}"
            # Some commands first need state (a story in this thread) and say so instead.
            named_limit += "the limit is" in replies[-1].content
            checked += 1
    assert checked >= 30
    assert named_limit >= checked - 3
    with pytest.raises(SandboxError):  # and Discord's own client refuses it outright
        await sandbox.slash("write", {"form": "poem", "topic": "a" * 301})


async def test_both_transports_of_the_running_bot_fit_what_they_send(muse: MuseHarness) -> None:
    """A cog that forgets to split still never gets a 400: the channel route (the bot's HTTP
    client) and the interaction webhook route (follow-ups) are both fitted."""
    sandbox = muse.sandbox
    big_embeds = [
        discord.Embed(title="t" * 300, description="Line of text. " * 400) for _ in range(12)
    ]
    channel = muse.bot.get_channel(sandbox.channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("A sentence that goes on. " * 200, embeds=big_embeds[:10])
    stored = sandbox.message(sent.id)
    assert len(stored.content) <= 2000 and stored.content.endswith("…")
    assert (
        sum(len(e.get("description", "")) + len(e.get("title", "")) for e in stored.embeds) <= 6000
    )

    handle = await sandbox.slash("lyrics drafts")
    await handle.acknowledged()
    webhook = discord.Webhook.partial(sandbox.application_id, handle.token, client=muse.bot)
    followup = await webhook.send("word " * 1000, embeds=big_embeds[:10], wait=True)
    assert len(sandbox.message(followup.id).content) <= 2000
    edited = await webhook.edit_message(followup.id, content="again " * 1000)
    assert len(sandbox.message(edited.id).content) <= 2000
    assert not [c for c in sandbox.calls if c.status == 400]
