"""The fair-share limiter: per member, per server, cooldowns, expiry and the counts it reports."""

from __future__ import annotations

import pytest

from bot.services.fairness import FairShare, FairShareConfig, RateLimited
from bot.settings import Settings


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Ticking, **config: float) -> FairShare:
    defaults: dict[str, float] = {"per_member": 2, "per_guild": 4, "burst": 100, "cooldown": 60}
    defaults.update(config)
    return FairShare(FairShareConfig(**defaults), monotonic=clock)  # type: ignore[arg-type]


def test_a_member_gets_two_at_once_and_the_third_is_refused_until_one_ends() -> None:
    clock = Ticking()
    fair = limiter(clock)
    fair.admit(1, user_id=7, guild_id=1)
    fair.admit(2, user_id=7, guild_id=1)
    with pytest.raises(RateLimited) as refused:
        fair.admit(3, user_id=7, guild_id=1)
    assert refused.value.reason == "member_busy"
    assert refused.value.retry_after >= 1.0
    assert "seconds" in refused.value.user_message
    # Someone else in the same server is not affected.
    fair.admit(4, user_id=8, guild_id=1)
    fair.release(1)
    fair.admit(3, user_id=7, guild_id=1)
    assert fair.member_in_flight(7) == 2
    assert fair.rejections["member_busy"] == 1


def test_the_member_limit_spans_servers() -> None:
    fair = limiter(Ticking())
    fair.admit(1, user_id=7, guild_id=1)
    fair.admit(2, user_id=7, guild_id=2)
    with pytest.raises(RateLimited):
        fair.admit(3, user_id=7, guild_id=3)


def test_a_server_has_a_cap_of_its_own_and_other_servers_are_not_affected() -> None:
    fair = limiter(Ticking(), per_member=10, per_guild=3)
    for key in range(3):
        fair.admit(key, user_id=100 + key, guild_id=1)
    with pytest.raises(RateLimited) as refused:
        fair.admit(9, user_id=200, guild_id=1)
    assert refused.value.reason == "server_busy"
    fair.admit(10, user_id=200, guild_id=2)
    assert fair.guild_in_flight(1) == 3 and fair.guild_in_flight(2) == 1


def test_the_cooldown_limits_starts_in_a_window_and_says_when_it_reopens() -> None:
    clock = Ticking()
    fair = limiter(clock, burst=3, cooldown=60)
    for key in range(3):
        fair.admit(key, user_id=7, guild_id=1)
        fair.release(key)
        clock.now += 5
    with pytest.raises(RateLimited) as refused:
        fair.admit(99, user_id=7, guild_id=1)
    assert refused.value.reason == "cooldown"
    # The first start was 15 s ago: the window reopens 45 s from now.
    assert refused.value.retry_after == pytest.approx(45.0)
    clock.now += 46
    fair.admit(99, user_id=7, guild_id=1)
    assert fair.rejections["cooldown"] == 1


def test_a_refusal_takes_nothing_and_releasing_is_idempotent() -> None:
    fair = limiter(Ticking(), per_member=1)
    fair.admit(1, user_id=7, guild_id=1)
    with pytest.raises(RateLimited):
        fair.admit(2, user_id=7, guild_id=1)
    assert fair.in_flight == 1
    fair.release(2)  # a refused key was never held
    fair.release(1)
    fair.release(1)
    assert fair.in_flight == 0
    assert fair.admitted == 1


def test_admitting_the_same_interaction_twice_takes_one_lease() -> None:
    fair = limiter(Ticking(), per_member=1)
    first = fair.admit(5, user_id=7, guild_id=1)
    assert fair.admit(5, user_id=7, guild_id=1) is first
    assert fair.in_flight == 1


def test_a_lease_that_is_never_released_expires() -> None:
    clock = Ticking()
    fair = limiter(clock, per_member=1, max_hold=100)
    fair.admit(1, user_id=7, guild_id=1)
    clock.now += 101
    fair.admit(2, user_id=7, guild_id=1)
    assert fair.in_flight == 1


def test_retry_estimate_follows_how_long_generations_really_take() -> None:
    clock = Ticking()
    fair = limiter(clock, per_member=1)
    for key in range(20):
        fair.admit(key, user_id=7, guild_id=1)
        clock.now += 2
        fair.release(key)
    fair.admit(100, user_id=7, guild_id=1)
    with pytest.raises(RateLimited) as refused:
        fair.admit(101, user_id=7, guild_id=1)
    assert refused.value.retry_after < 5.0  # learned ~2 s, down from the 15 s starting guess


def test_disabled_lets_everything_through() -> None:
    fair = FairShare(FairShareConfig(per_member=1, enabled=False), monotonic=Ticking())
    for key in range(10):
        fair.admit(key, user_id=7, guild_id=1)
    assert fair.in_flight == 10


def test_settings_defaults_give_half_the_queue_to_one_server() -> None:
    config = FairShareConfig.from_settings(Settings(queue_depth=32))
    assert (config.per_member, config.per_guild) == (2, 16)
    assert FairShareConfig.from_settings(Settings(queue_depth=1)).per_guild == 1
    assert FairShareConfig.from_settings(Settings(guild_generations=5)).per_guild == 5
    no_cooldown = FairShareConfig.from_settings(Settings(generation_cooldown=0))
    fair = FairShare(no_cooldown, monotonic=Ticking())
    for key in range(50):
        fair.admit(key, user_id=7, guild_id=1)
        fair.release(key)
    assert fair.rejections["cooldown"] == 0


def test_a_refund_gives_back_the_start_but_not_the_slot() -> None:
    clock = Ticking()
    fair = limiter(clock, burst=2, cooldown=60)
    for key in range(5):  # five refused for bad input: none counts
        fair.admit(key, user_id=7, guild_id=1)
        fair.release(key)
        fair.refund(key)
    fair.admit(10, user_id=7, guild_id=1)
    fair.refund(10)  # still held: the refund leaves the lease in place
    assert fair.in_flight == 1
    fair.release(10)
    fair.admit(11, user_id=7, guild_id=1)
    fair.release(11)
    fair.admit(12, user_id=7, guild_id=1)
    fair.release(12)
    with pytest.raises(RateLimited):
        fair.admit(13, user_id=7, guild_id=1)
