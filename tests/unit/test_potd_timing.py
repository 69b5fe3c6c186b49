"""Local posting times, timezones and due dates for the prompt of the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserInputError
from bot.services.potd.streaks import leaderboard, streak_for
from bot.services.potd.timing import (
    due_date,
    next_post_at,
    parse_post_time,
    resolve_timezone,
    scheduled_at,
    timezone_choices,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00", time(9, 0)),
        ("9:05", time(9, 5)),
        ("21.15", time(21, 15)),
        ("9am", time(9, 0)),
        ("12 am", time(0, 0)),
        ("12:30 pm", time(12, 30)),
        ("7:30 p.m.", time(19, 30)),
        ("18h45", time(18, 45)),
    ],
)
def test_post_times_are_parsed(text: str, expected: time) -> None:
    assert parse_post_time(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "9:60", "13pm", "noon", "9:5", "-1:00", "0900x"])
def test_bad_post_times_are_refused(text: str) -> None:
    with pytest.raises(UserInputError):
        parse_post_time(text)


def test_timezones_resolve_case_insensitively_and_suggest_close_names() -> None:
    assert resolve_timezone("europe/berlin").key == "Europe/Berlin"
    assert resolve_timezone("America/New York").key == "America/New_York"
    with pytest.raises(UserInputError) as caught:
        resolve_timezone("Europe/Berln")
    assert "Europe/Berlin" in caught.value.user_message
    with pytest.raises(UserInputError) as caught:
        resolve_timezone("Mars/Olympus_Mons")
    assert "not an IANA timezone" in caught.value.user_message


def test_timezone_autocomplete() -> None:
    assert "Europe/Berlin" in timezone_choices("berl")
    assert timezone_choices("tokyo")[0] == "Asia/Tokyo"
    assert len(timezone_choices("")) <= 25 and "UTC" in timezone_choices("")
    assert all(len(timezone_choices(x)) <= 25 for x in ("a", "e", "america"))
    assert "Europe/Berlin" in timezone_choices("Europe/Berln")  # fuzzy when nothing contains it


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 8),  # CET
        (date(2026, 3, 29), 7),  # CEST from 02:00 that morning
        (date(2026, 10, 24), 7),
        (date(2026, 10, 25), 8),  # back to CET
    ],
)
def test_nine_oclock_berlin_moves_in_utc_across_dst(day: date, utc_hour: int) -> None:
    at = scheduled_at(day, time(9, 0), BERLIN)
    assert at.tzinfo == UTC and at.hour == utc_hour
    assert at.astimezone(BERLIN).hour == 9


def test_a_time_in_the_spring_gap_still_gets_a_post() -> None:
    at = scheduled_at(date(2026, 3, 29), time(2, 30), BERLIN)  # 02:30 does not exist that day
    assert at.astimezone(BERLIN).date() == date(2026, 3, 29)
    assert due_date(at + timedelta(minutes=1), time(2, 30), BERLIN, timedelta(hours=6)) == (
        date(2026, 3, 29),
        at,
    )


def test_due_window_and_yesterday() -> None:
    grace = timedelta(hours=6)
    nine = time(9, 0)
    day = date(2026, 5, 4)
    at = scheduled_at(day, nine, BERLIN)
    assert due_date(at - timedelta(seconds=1), nine, BERLIN, grace) is None
    assert due_date(at, nine, BERLIN, grace) == (day, at)
    assert due_date(at + timedelta(hours=5, minutes=59), nine, BERLIN, grace) == (day, at)
    assert due_date(at + timedelta(hours=6), nine, BERLIN, grace) is None
    # No grace still leaves a short on-time window (the cron job fires a moment late).
    assert due_date(at + timedelta(minutes=5), nine, BERLIN, timedelta(0)) == (day, at)
    # A 23:00 post, the bot back at 01:00: yesterday's post is due, late.
    late = time(23, 0)
    yesterday = scheduled_at(day, late, BERLIN)
    assert due_date(yesterday + timedelta(hours=2), late, BERLIN, grace) == (day, yesterday)


@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(0, 24 * 60 - 1),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]),
)
def test_next_post_is_always_ahead_and_within_a_day_or_so(
    moment: datetime, minutes: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    post_time = time(minutes // 60, minutes % 60)
    upcoming = next_post_at(moment, post_time, tz)
    assert moment < upcoming <= moment + timedelta(hours=25)
    local = upcoming.astimezone(tz)
    # Equal to the posting time unless it fell into a spring-forward gap.
    assert (local.hour, local.minute) == (post_time.hour, post_time.minute) or (
        local - timedelta(hours=1)
    ).replace(tzinfo=None).time() == post_time


def test_streaks_count_consecutive_prompts_and_reset_after_a_miss() -> None:
    posts = [1, 2, 3, 4, 5]
    assert streak_for(7, posts, {1, 2, 3, 4, 5}).current == 5
    assert streak_for(7, posts, {1, 2, 3, 4}).current == 4  # today's prompt is still open
    info = streak_for(7, posts, {1, 2, 4, 5})
    assert (info.current, info.best, info.total) == (2, 2, 4)
    info = streak_for(7, posts, {1, 2, 3})
    assert (info.current, info.best) == (0, 3)  # missed 4: reset
    assert streak_for(7, [], set()).current == 0
    ranking = leaderboard(posts, [(1, {4, 5}), (2, {1, 2, 3, 4, 5}), (3, set()), (4, {1})])
    assert [i.user_id for i in ranking] == [2, 1, 4]
