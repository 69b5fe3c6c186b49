"""Style memory: a member's voice, remembered with their consent, visible, editable, erasable.

Modules: ``consent`` (what members are told), ``profile`` (the profile and its keywords),
``learning`` (the trait schema, merging and decay), ``brief`` (the compact brief for prompts),
``inspire`` + ``palette`` (/inspire), ``analyze`` (/analyze), ``discover`` (/discover) and
``service`` (the facade the cogs and the other features use) over ``memory`` (consent, the
profile, briefs), ``worker`` (background learning), ``creative`` (/inspire, /analyze),
``works`` (the /discover index) and ``rights`` (export and erasure); ``types`` holds the
config and results.

Hooks for other features (all on :class:`StyleService`, handed to them by the container):

* ``brief_for(guild_id, user_id)`` (the ``StyleBriefs`` hook): a style brief to add to prompts.
* ``record(guild_id, user_id, kind, text)`` (the ``Contributions`` hook): something a member
  made; learned from in the background, only for members who opted in.
* ``index_work(guild_id=, kind=, ref=, title=, text=, author_id=, url=)`` and
  ``remove_work(guild_id, kind, ref)``: publish a finished story, a prompt-of-the-day
  submission or public lyrics to /discover (and withdraw it).
* Export and erasure walk every repository in ``Services.member_data``.
"""

from .analyze import Analysis
from .discover import Recommendation
from .inspire import Prompt
from .profile import PREFERENCE_FIELDS, StyleProfile
from .service import StyleService
from .types import DataExport, Inspiration, StyleConfig

__all__ = [
    "PREFERENCE_FIELDS",
    "Analysis",
    "DataExport",
    "Inspiration",
    "Prompt",
    "Recommendation",
    "StyleConfig",
    "StyleProfile",
    "StyleService",
]
