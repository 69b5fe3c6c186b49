"""The domain error tree. Every error knows the message a member should see.

MuseError
├── UserInputError            bad option values, limits, wrong state
│   ├── NotAllowed            missing permission or not your turn / not your item
│   └── NotFound              the thing named does not exist (or is not yours)
├── ModelError                the language model could not help
│   ├── ModelUnavailable      not loaded, file missing, server down
│   ├── QueueFull             too many requests waiting; carries a retry estimate
│   ├── GenerationTimeout     one generation took too long
│   ├── GenerationCancelled   cut off (shutdown, or the consumer went away)
│   └── StructuredOutputError the model's structured answer did not validate twice
└── ConfigurationError        an operator-side problem (bad model file, settings)

The base, the model errors and ConfigurationError are defined in ``models.errors`` (the model layer
raises them and depends on nothing here); this module re-exports those very classes, so every
``except`` and every member-facing message is the same whichever module a caller imports from.
"""

from __future__ import annotations

from models.errors import (
    ConfigurationError,
    GenerationCancelled,
    GenerationTimeout,
    ModelError,
    ModelUnavailable,
    MuseError,
    QueueFull,
    StructuredOutputError,
    gettext_noop,
)

__all__ = [
    "ConfigurationError",
    "GenerationCancelled",
    "GenerationTimeout",
    "ModelError",
    "ModelUnavailable",
    "MuseError",
    "NotAllowed",
    "NotFound",
    "QueueFull",
    "StructuredOutputError",
    "UserInputError",
    "gettext_noop",
]


class UserInputError(MuseError):
    default_message = gettext_noop("That input can't be used.")


class NotAllowed(UserInputError):
    default_message = gettext_noop("You don't have permission to do that.")


class NotFound(UserInputError):
    default_message = gettext_noop("I couldn't find that.")
