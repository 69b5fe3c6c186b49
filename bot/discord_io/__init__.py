"""What every cog shares: streamed replies, message splitting, mentions, the error tree."""

from .buttons import RecordButton
from .fairness import generation_limited, holds_generation
from .mentions import NO_PINGS, ping_only
from .responses import defer_thinking
from .split import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, split_text
from .streaming import InteractionTarget, ReplyTarget, StreamingReply, StreamResult, queue_notice
from .tree import MuseCommandTree, handle_interaction_error, reply_ephemeral

__all__ = [
    "CONTENT_LIMIT",
    "EMBED_DESCRIPTION_LIMIT",
    "NO_PINGS",
    "InteractionTarget",
    "MuseCommandTree",
    "RecordButton",
    "ReplyTarget",
    "StreamResult",
    "StreamingReply",
    "defer_thinking",
    "generation_limited",
    "handle_interaction_error",
    "holds_generation",
    "ping_only",
    "queue_notice",
    "reply_ephemeral",
    "split_text",
]
