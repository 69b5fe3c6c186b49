"""An outbox message that may ping several members keeps them through its stored form, and
never names one twice or more than Discord's hundred."""

from __future__ import annotations

from bot.services.outbox import OutboxMessage


def test_several_pings_survive_the_stored_form() -> None:
    message = OutboxMessage("go", ping_user_id=3, ping_user_ids=(1, 2, 3))
    again = OutboxMessage.from_json(message.to_json())
    assert again == message
    assert again.pinged() == [3, 1, 2]


def test_a_message_stored_before_several_pings_reads_back_with_none() -> None:
    stored = {"content": "hi", "ping": 5, "files": [], "embeds": []}
    message = OutboxMessage.from_json(stored)
    assert message.ping_user_ids == () and message.pinged() == [5]
    assert OutboxMessage("quiet").pinged() == []


def test_at_most_a_hundred_members_are_pinged() -> None:
    assert len(OutboxMessage("all", ping_user_ids=tuple(range(150))).pinged()) == 100
