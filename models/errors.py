"""The errors the language-model layer raises. Every error knows the message a member should see.

MuseError                     base of every error Muse expects (``user_message`` is safe to show)
├── ModelError                the language model could not help
│   ├── ModelUnavailable      not loaded, file missing, server down
│   ├── QueueFull             too many requests waiting; carries a retry estimate
│   ├── GenerationTimeout     one generation took too long
│   ├── GenerationCancelled   cut off (shutdown, or the consumer went away)
│   └── StructuredOutputError the model's structured answer did not validate twice
└── ConfigurationError        an operator-side problem (bad model file, settings)

They live here so that the model layer depends on nothing in the application; ``bot.errors``
re-exports these very classes and adds the errors of members' input beside them.

The messages are English and only *marked* for the catalog (``gettext_noop``): the edge that
shows them (``bot.discord_io.tree``) translates ``message_template`` into the member's language
and fills ``message_values`` afterwards, so this layer needs nothing of the application.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigurationError",
    "GenerationCancelled",
    "GenerationTimeout",
    "ModelError",
    "ModelUnavailable",
    "MuseError",
    "QueueFull",
    "StructuredOutputError",
    "gettext_noop",
]


def gettext_noop(message: str) -> str:
    """Mark a message for the catalog without translating it here (gettext's own name)."""
    return message


class MuseError(Exception):
    """Base of every error Muse expects. ``user_message`` is safe to show in Discord.

    ``message_template`` is the message before its ``{named}`` values are filled in: the edge
    translates the template, then fills ``message_values``.
    """

    default_message = gettext_noop("Something went wrong.")

    def __init__(self, message: str | None = None, **values: Any) -> None:
        self.message_template = message or self.default_message
        self.message_values = values
        self.user_message = (
            self.message_template.format(**values) if values else self.message_template
        )
        super().__init__(self.user_message)


class ConfigurationError(MuseError):
    default_message = gettext_noop(
        "Muse is not configured correctly; a server admin should check the logs."
    )


class ModelError(MuseError):
    default_message = gettext_noop(
        "The language model couldn't answer this time. Please try again."
    )


class ModelUnavailable(ModelError):
    default_message = gettext_noop(
        "The language model is not available right now. Please try again later."
    )


class QueueFull(ModelError):
    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(1.0, retry_after)
        if message is not None:
            super().__init__(message)
            return
        super().__init__(
            gettext_noop(
                "Muse is busy with other requests right now. "
                "Please try again in about {seconds} seconds."
            ),
            seconds=round(self.retry_after),
        )


class GenerationTimeout(ModelError):
    default_message = gettext_noop(
        "That took too long, so I stopped. Try a shorter request or try again."
    )


class GenerationCancelled(ModelError):
    default_message = gettext_noop("This generation was cut off before it finished.")


class StructuredOutputError(ModelError):
    default_message = gettext_noop(
        "The model's answer didn't come out in the right shape, even after a retry. "
        "Please try again."
    )
