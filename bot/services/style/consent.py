"""What members are told before style memory stores anything, and when they change their mind."""

from __future__ import annotations

from bot.i18n import N_

__all__ = ["FORGET_TEXT", "OPTIN_TEXT", "OPTOUT_TEXT"]

OPTIN_TEXT = N_(
    "**Style memory is on for you in this server.**\n"
    "From now on Muse stores, for this server only:\n"
    "• what you tell it with `/style set` (media, genres, tone, favourite themes, things to "
    "avoid) and writing samples you add;\n"
    "• short **traits** it learns from what you make here (your /write topics, story "
    "segments, lyrics drafts and prompt-of-the-day submissions): a kind (tone, imagery, theme, "
    "form, vocabulary), a value, a confidence, a short quote as evidence, and dates;\n"
    "• each new piece only until it has been learned from (then the piece itself is deleted "
    "from style memory).\n"
    "**Why:** so Muse's writing help, `/inspire` prompts and `/discover` picks fit your own "
    "voice. Learning runs in the background at low priority and never delays anyone.\n"
    "**Your controls:** `/style show` lists everything stored, `/style remove` deletes any "
    "single item, `/style personalise` switches the use of your profile off, `/style optout` "
    "stops learning, `/mydata export` sends you all of it as JSON, and `/style forget` erases "
    "everything Muse holds about you in this server."
)

OPTOUT_TEXT = N_(
    "Style memory stopped: Muse learns nothing more from your work here and no longer adds "
    "your style to its prompts. What was stored is kept so you can look at it (`/style show`) "
    "or take it with you (`/mydata export`); `/style forget` erases it all."
)

FORGET_TEXT = N_(
    "This erases **everything** Muse stores about you in this server: your style profile, "
    "learned traits, writing samples, /write history, drafts, submissions and your consent. "
    'Your segments in shared stories stay with the story, credited to "a former member". '
    "This can't be undone."
)
