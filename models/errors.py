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
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "GenerationCancelled",
    "GenerationTimeout",
    "ModelError",
    "ModelUnavailable",
    "MuseError",
    "QueueFull",
    "StructuredOutputError",
]


class MuseError(Exception):
    """Base of every error Muse expects. ``user_message`` is safe to show in Discord."""

    default_message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        self.user_message = message or self.default_message
        super().__init__(self.user_message)


class ConfigurationError(MuseError):
    default_message = "Muse is not configured correctly; a server admin should check the logs."


class ModelError(MuseError):
    default_message = "The language model couldn't answer this time. Please try again."


class ModelUnavailable(ModelError):
    default_message = "The language model is not available right now. Please try again later."


class QueueFull(ModelError):
    def __init__(self, retry_after: float, message: str | None = None) -> None:
        self.retry_after = max(1.0, retry_after)
        super().__init__(
            message
            or (
                "Muse is busy with other requests right now. "
                f"Please try again in about {round(self.retry_after)} seconds."
            )
        )


class GenerationTimeout(ModelError):
    default_message = "That took too long, so I stopped. Try a shorter request or try again."


class GenerationCancelled(ModelError):
    default_message = "This generation was cut off before it finished."


class StructuredOutputError(ModelError):
    default_message = (
        "The model's answer didn't come out in the right shape, even after a retry. "
        "Please try again."
    )
