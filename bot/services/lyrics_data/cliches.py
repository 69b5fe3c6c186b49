"""A small, curated list of lyric clichés: worn-out rhyme pairs and stock phrases.

Written for Muse. The point is a gentle nudge ("this pair is everywhere"), not a ban, so the
list favours pairs and phrases nearly every songwriting guide names.
"""

from __future__ import annotations

__all__ = ["CLICHE_PAIRS", "CLICHE_PHRASES"]

#: End-word pairs heard so often that listeners finish the line before the singer does.
CLICHE_PAIRS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("fire", "desire"),
        ("heart", "apart"),
        ("heart", "start"),
        ("baby", "maybe"),
        ("tonight", "alright"),
        ("tonight", "right"),
        ("night", "light"),
        ("love", "above"),
        ("love", "of"),
        ("eyes", "skies"),
        ("eyes", "lies"),
        ("rain", "pain"),
        ("pain", "again"),
        ("true", "you"),
        ("blue", "you"),
        ("forever", "together"),
        ("forever", "never"),
        ("soul", "whole"),
        ("cry", "goodbye"),
        ("die", "goodbye"),
        ("fly", "sky"),
        ("high", "sky"),
        ("sea", "free"),
        ("me", "free"),
        ("touch", "much"),
        ("kiss", "miss"),
        ("dance", "romance"),
        ("hand", "understand"),
        ("girl", "world"),
        ("door", "more"),
        ("alone", "phone"),
        ("believe", "leave"),
        ("stars", "ours"),
        ("dreams", "seems"),
        ("cold", "hold"),
    )
)

#: Stock phrases, matched on whole words, case- and punctuation-insensitive.
CLICHE_PHRASES: tuple[str, ...] = (
    "dancing in the rain",
    "dance in the rain",
    "broken heart",
    "heart of gold",
    "heart of stone",
    "tears like rain",
    "tears fall like rain",
    "fire in my soul",
    "fire in your eyes",
    "lost in your eyes",
    "set me free",
    "set my soul on fire",
    "till the end of time",
    "until the end of time",
    "end of the road",
    "light at the end of the tunnel",
    "meant to be",
    "you complete me",
    "my other half",
    "love at first sight",
    "head over heels",
    "walk on by",
    "take my breath away",
    "you light up my world",
    "stars in your eyes",
    "shine like a diamond",
    "shine bright",
    "under the stars",
    "in the still of the night",
    "heart on my sleeve",
    "chasing dreams",
    "follow your dreams",
    "never let you go",
    "can't live without you",
    "live like there's no tomorrow",
    "runs through my veins",
    "cold as ice",
    "you're my everything",
    "rise from the ashes",
    "like a moth to a flame",
    "written in the stars",
    "over and over again",
)
