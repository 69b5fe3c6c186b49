"""Streaks: how many prompts in a row a member answered.

A streak counts consecutive *posted* prompts (one per local day) the member submitted to. The
newest prompt is still open, so not having answered it yet does not break a streak; missing any
earlier one does. Days without a post (paused, or the bot was down past the grace window) are
not the member's fault and neither count nor break a streak.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .types import StreakInfo

__all__ = ["leaderboard", "streak_for"]


def streak_for(user_id: int, posts: Sequence[int], answered: set[int]) -> StreakInfo:
    """``posts``: the server's posted prompt ids, oldest first; ``answered``: the member's."""
    best = run = 0
    for post_id in posts:
        run = run + 1 if post_id in answered else 0
        best = max(best, run)
    current = 0
    index = len(posts) - 1
    if index >= 0 and posts[index] not in answered:
        index -= 1  # today's prompt is still open
    while index >= 0 and posts[index] in answered:
        current += 1
        index -= 1
    return StreakInfo(user_id=user_id, current=current, best=best, total=len(answered))


def leaderboard(
    posts: Sequence[int], answered_by: Iterable[tuple[int, set[int]]], limit: int = 10
) -> list[StreakInfo]:
    """Members ranked by current streak, then best streak, then total submissions."""
    infos = [streak_for(user_id, posts, answered) for user_id, answered in answered_by]
    ranked = [i for i in infos if i.current or i.best]
    ranked.sort(key=lambda i: (-i.current, -i.best, -i.total, i.user_id))
    return ranked[:limit]
