"""The gallery: the community's works on the web, shown only by their authors' consent.

:mod:`.service` holds the commands (admins' settings, members' sharing, links), :mod:`.pages`
what each page shows, :mod:`.consent` the rules, :mod:`.types` the records. This package's
root exports only the records and rules, so that the repository that imports its records
doesn't pull in the services (import them from their modules).
"""

from .consent import ANONYMOUS, author_credit, valid_month
from .types import GalleryConfig, MemberWork, PaletteRecord, SharedSubmission, StorySummary

__all__ = [
    "ANONYMOUS",
    "GalleryConfig",
    "MemberWork",
    "PaletteRecord",
    "SharedSubmission",
    "StorySummary",
    "author_credit",
    "valid_month",
]
