"""What every cog shares: streamed replies, message splitting, mentions, the error tree, and
the one choke point that fits everything Muse sends within Discord's limits."""

from .buttons import RecordButton
from .fairness import generation_limited, holds_generation
from .interaction import MuseInteraction, actor_of, moderates_in, reply_private
from .language import forget_interaction_locale, interaction_locale, use_interaction_locale
from .limits import fit_message, fit_modal, fit_request, shorten
from .mentions import NO_PINGS, ping_only
from .outgoing import install_outgoing_guard
from .responses import defer_thinking
from .split import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
from .streaming import InteractionTarget, ReplyTarget, StreamingReply, StreamResult, queue_notice
from .tree import MuseCommandTree, error_text, handle_interaction_error

__all__ = [
    "CONTENT_LIMIT",
    "EMBED_DESCRIPTION_LIMIT",
    "NO_PINGS",
    "InteractionTarget",
    "MuseCommandTree",
    "MuseInteraction",
    "RecordButton",
    "ReplyTarget",
    "StreamResult",
    "StreamingReply",
    "actor_of",
    "defer_thinking",
    "error_text",
    "fit_message",
    "fit_modal",
    "fit_request",
    "forget_interaction_locale",
    "generation_limited",
    "handle_interaction_error",
    "holds_generation",
    "install_outgoing_guard",
    "interaction_locale",
    "moderates_in",
    "ping_only",
    "queue_notice",
    "reply_private",
    "shorten",
    "split_text",
    "use_interaction_locale",
]
