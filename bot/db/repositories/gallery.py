"""The gallery (/gallery and the web pages): each server's gallery settings, shared palettes,
members' page opt-ins, and the consent-filtered reads of other features' works.

Every read that a page shows filters by consent here, in SQL: finished stories only, prompt
submissions their authors shared, lyric drafts marked public, palettes still shared. Nothing is
cached, so a work made private or erased is gone from the next page load.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.services.gallery.types import (
    GalleryConfig,
    GalleryMember,
    MemberWork,
    PaletteRecord,
    PromptMonth,
    PromptRow,
    SearchRow,
    SharedSubmission,
    StorySummary,
)

from ..connection import Database
from ..timestamps import from_db, from_db_optional, to_db

__all__ = ["GalleryRepository"]

_SUBMISSION = (
    "s.id, s.post_id, s.local_date, s.user_id, s.text, s.attachment_name, s.attachment_url, "
    "m.display_name AS author_name, coalesce(p.title, '') AS prompt_title"
)
_SUBMISSION_FROM = (
    "FROM potd_submissions AS s JOIN potd_posts AS p ON p.id = s.post_id "
    "LEFT JOIN gallery_members AS m ON m.guild_id = s.guild_id AND m.user_id = s.user_id "
    "WHERE s.shared = 1 AND p.status = 'posted'"
)
_PALETTE = (
    "g.id, g.guild_id, g.user_id, g.title, g.colours, g.shared, g.created_at, "
    "m.display_name AS author_name"
)
_PALETTE_FROM = (
    "FROM gallery_palettes AS g "
    "LEFT JOIN gallery_members AS m ON m.guild_id = g.guild_id AND m.user_id = g.user_id"
)
_STORY = (
    "s.id, s.title, s.genre, s.created_at, s.ended_at, s.human_only, "
    "(SELECT count(*) FROM story_segments WHERE story_id = s.id) AS segments"
)


def _config(row: Any) -> GalleryConfig:
    return GalleryConfig(
        guild_id=int(row["guild_id"]),
        enabled=bool(row["enabled"]),
        token=str(row["token"]),
        indexable=bool(row["indexable"]),
        updated_at=from_db(str(row["updated_at"])),
    )


def _submission(row: Any) -> SharedSubmission:
    return SharedSubmission(
        id=int(row["id"]),
        post_id=int(row["post_id"]),
        local_date=str(row["local_date"]),
        user_id=int(row["user_id"]),
        text=row["text"],
        attachment_name=row["attachment_name"],
        attachment_url=row["attachment_url"],
        author_name=row["author_name"],
        prompt_title=str(row["prompt_title"]),
    )


def _palette(row: Any) -> PaletteRecord:
    return PaletteRecord(
        id=int(row["id"]),
        guild_id=int(row["guild_id"]),
        user_id=int(row["user_id"]),
        title=str(row["title"]),
        colours=tuple(str(c) for c in json.loads(str(row["colours"]))),
        shared=bool(row["shared"]),
        created_at=from_db(str(row["created_at"])),
        author_name=row["author_name"],
    )


def _story(row: Any) -> StorySummary:
    return StorySummary(
        id=int(row["id"]),
        title=str(row["title"]),
        genre=str(row["genre"]),
        created_at=from_db(str(row["created_at"])),
        ended_at=from_db_optional(row["ended_at"]),
        segments=int(row["segments"]),
        human_only=bool(row["human_only"]),
    )


class GalleryRepository:
    data_name = "gallery"

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- settings ----------------------------------------------------------------------------

    async def config(self, guild_id: int) -> GalleryConfig | None:
        row = await self._db.fetchone(
            "SELECT * FROM gallery_config WHERE guild_id = ?", (guild_id,)
        )
        return _config(row) if row else None

    async def by_token(self, token: str) -> GalleryConfig | None:
        row = await self._db.fetchone("SELECT * FROM gallery_config WHERE token = ?", (token,))
        return _config(row) if row else None

    async def save_config(
        self,
        guild_id: int,
        *,
        enabled: bool,
        token: str,
        indexable: bool,
        updated_by: int,
        now: datetime,
    ) -> GalleryConfig:
        await self._db.execute(
            "INSERT INTO gallery_config (guild_id, enabled, token, indexable, updated_by, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "enabled = excluded.enabled, token = excluded.token, indexable = excluded.indexable, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, int(enabled), token, int(indexable), updated_by, to_db(now)),
        )
        saved = await self.config(guild_id)
        assert saved is not None
        return saved

    # -- stories -----------------------------------------------------------------------------

    async def finished_stories(self, guild_id: int, *, limit: int = 200) -> list[StorySummary]:
        rows = await self._db.fetchall(
            f"SELECT {_STORY} FROM stories AS s WHERE s.guild_id = ? AND s.status = 'ended' "
            "ORDER BY s.ended_at DESC, s.id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_story(r) for r in rows]

    async def stories_with_member(self, guild_id: int, user_id: int) -> list[StorySummary]:
        rows = await self._db.fetchall(
            f"SELECT {_STORY} FROM stories AS s WHERE s.guild_id = ? AND s.status = 'ended' "
            "AND EXISTS (SELECT 1 FROM story_segments AS g WHERE g.story_id = s.id "
            "AND g.author_id = ? AND g.kind = 'member') ORDER BY s.ended_at DESC LIMIT 200",
            (guild_id, user_id),
        )
        return [_story(r) for r in rows]

    # -- prompt of the day -------------------------------------------------------------------

    async def prompt_months(self, guild_id: int) -> list[PromptMonth]:
        rows = await self._db.fetchall(
            "SELECT substr(local_date, 1, 7) AS month, count(*) AS prompts FROM potd_posts "
            "WHERE guild_id = ? AND status = 'posted' AND title IS NOT NULL "
            "GROUP BY month ORDER BY month DESC",
            (guild_id,),
        )
        return [PromptMonth(str(r["month"]), int(r["prompts"])) for r in rows]

    async def prompts_in_month(self, guild_id: int, month: str) -> list[PromptRow]:
        rows = await self._db.fetchall(
            "SELECT id, local_date, title, coalesce(prompt, '') AS prompt FROM potd_posts "
            "WHERE guild_id = ? AND status = 'posted' AND title IS NOT NULL "
            "AND substr(local_date, 1, 7) = ? ORDER BY local_date",
            (guild_id, month),
        )
        return [
            PromptRow(int(r["id"]), str(r["local_date"]), str(r["title"]), str(r["prompt"]))
            for r in rows
        ]

    async def shared_submissions(
        self, guild_id: int, post_ids: Sequence[int]
    ) -> list[SharedSubmission]:
        if not post_ids:
            return []
        marks = ", ".join("?" for _ in post_ids)
        rows = await self._db.fetchall(
            f"SELECT {_SUBMISSION} {_SUBMISSION_FROM} AND s.guild_id = ? "
            f"AND s.post_id IN ({marks}) ORDER BY s.created_at, s.id",
            (guild_id, *post_ids),
        )
        return [_submission(r) for r in rows]

    async def shared_submission(self, guild_id: int, submission_id: int) -> SharedSubmission | None:
        row = await self._db.fetchone(
            f"SELECT {_SUBMISSION} {_SUBMISSION_FROM} AND s.guild_id = ? AND s.id = ?",
            (guild_id, submission_id),
        )
        return _submission(row) if row else None

    async def submissions_of(self, guild_id: int, user_id: int) -> list[SharedSubmission]:
        rows = await self._db.fetchall(
            f"SELECT {_SUBMISSION} {_SUBMISSION_FROM} AND s.guild_id = ? AND s.user_id = ? "
            "ORDER BY s.local_date DESC LIMIT 200",
            (guild_id, user_id),
        )
        return [_submission(r) for r in rows]

    async def set_submission_shared(
        self, guild_id: int, user_id: int, submission_id: int, shared: bool
    ) -> bool:
        """Only the author's own submission changes; False when there is no such one."""
        changed = await self._db.execute(
            "UPDATE potd_submissions SET shared = ? WHERE id = ? AND guild_id = ? AND user_id = ?",
            (int(shared), submission_id, guild_id, user_id),
        )
        return changed > 0

    # -- palettes ----------------------------------------------------------------------------

    async def add_palette(
        self, guild_id: int, user_id: int, title: str, colours: Sequence[str], now: datetime
    ) -> int:
        return await self._db.insert(
            "INSERT INTO gallery_palettes (guild_id, user_id, title, colours, shared, created_at) "
            "VALUES (?, ?, ?, ?, 1, ?)",
            (guild_id, user_id, title, json.dumps(list(colours)), to_db(now)),
        )

    async def shared_palettes(
        self, guild_id: int, *, user_id: int | None = None, limit: int = 200
    ) -> list[PaletteRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_PALETTE} {_PALETTE_FROM} WHERE g.guild_id = ? AND g.shared = 1 "
            "AND (? IS NULL OR g.user_id = ?) ORDER BY g.id DESC LIMIT ?",
            (guild_id, user_id, user_id, limit),
        )
        return [_palette(r) for r in rows]

    async def set_palette_shared(
        self, guild_id: int, user_id: int, palette_id: int, shared: bool
    ) -> bool:
        changed = await self._db.execute(
            "UPDATE gallery_palettes SET shared = ? WHERE id = ? AND guild_id = ? AND user_id = ?",
            (int(shared), palette_id, guild_id, user_id),
        )
        return changed > 0

    # -- lyrics ------------------------------------------------------------------------------

    async def shared_lyric_ids(
        self, guild_id: int, *, user_id: int | None = None, limit: int = 200
    ) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT id FROM lyrics_drafts WHERE guild_id = ? AND public = 1 AND saved = 1 "
            "AND (? IS NULL OR user_id = ?) ORDER BY updated_at DESC LIMIT ?",
            (guild_id, user_id, user_id, limit),
        )
        return [int(r["id"]) for r in rows]

    async def is_shared_lyric(self, guild_id: int, draft_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT 1 FROM lyrics_drafts "
            "WHERE id = ? AND guild_id = ? AND public = 1 AND saved = 1",
            (draft_id, guild_id),
        )
        return row is not None

    # -- a member's own works (for /gallery share) -------------------------------------------

    async def works_of(self, guild_id: int, user_id: int, *, limit: int = 25) -> list[MemberWork]:
        """The member's submissions, palettes and saved lyric drafts, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM ("
            "SELECT 'potd' AS kind, s.id, s.local_date || ' · ' || coalesce(p.title, '') AS label, "
            "s.shared, s.created_at AS at FROM potd_submissions AS s "
            "JOIN potd_posts AS p ON p.id = s.post_id WHERE s.guild_id = ? AND s.user_id = ? "
            "UNION ALL SELECT 'palette', id, title, shared, created_at FROM gallery_palettes "
            "WHERE guild_id = ? AND user_id = ? "
            "UNION ALL SELECT 'lyrics', id, title, public, updated_at FROM lyrics_drafts "
            "WHERE guild_id = ? AND user_id = ? AND saved = 1"
            ") ORDER BY at DESC LIMIT ?",
            (guild_id, user_id, guild_id, user_id, guild_id, user_id, limit),
        )
        return [
            MemberWork(r["kind"], int(r["id"]), str(r["label"]), bool(r["shared"])) for r in rows
        ]

    # -- member pages --------------------------------------------------------------------------

    async def member(self, guild_id: int, user_id: int) -> GalleryMember | None:
        row = await self._db.fetchone(
            "SELECT * FROM gallery_members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        if row is None:
            return None
        return GalleryMember(
            int(row["guild_id"]),
            int(row["user_id"]),
            str(row["display_name"]),
            from_db(str(row["created_at"])),
        )

    async def members(self, guild_id: int) -> list[GalleryMember]:
        rows = await self._db.fetchall(
            "SELECT * FROM gallery_members WHERE guild_id = ? ORDER BY lower(display_name)",
            (guild_id,),
        )
        return [
            GalleryMember(
                int(r["guild_id"]),
                int(r["user_id"]),
                str(r["display_name"]),
                from_db(str(r["created_at"])),
            )
            for r in rows
        ]

    async def set_member(self, guild_id: int, user_id: int, name: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO gallery_members (guild_id, user_id, display_name, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
            "display_name = excluded.display_name",
            (guild_id, user_id, name, to_db(now)),
        )

    async def remove_member(self, guild_id: int, user_id: int) -> bool:
        changed = await self._db.execute(
            "DELETE FROM gallery_members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return changed > 0

    # -- search --------------------------------------------------------------------------------

    async def search(self, guild_id: int, match: str, *, limit: int = 30) -> list[SearchRow]:
        """The /discover index (FTS5), keeping only works a page may show."""
        rows = await self._db.fetchall(
            "SELECT w.kind, w.ref, w.title, w.body FROM style_works_fts "
            "JOIN style_works AS w ON w.id = style_works_fts.rowid "
            "WHERE style_works_fts MATCH ? AND w.guild_id = ? AND ("
            " (w.kind = 'story' AND EXISTS (SELECT 1 FROM stories AS s "
            "  WHERE s.id = CAST(w.ref AS INTEGER) AND s.guild_id = w.guild_id "
            "  AND s.status = 'ended'))"
            " OR (w.kind = 'potd_submission' AND EXISTS (SELECT 1 FROM potd_submissions AS p "
            "  WHERE p.id = CAST(w.ref AS INTEGER) AND p.guild_id = w.guild_id AND p.shared = 1))"
            " OR (w.kind = 'lyrics' AND EXISTS (SELECT 1 FROM lyrics_drafts AS d "
            "  WHERE d.id = CAST(w.ref AS INTEGER) AND d.guild_id = w.guild_id AND d.public = 1))"
            ") ORDER BY bm25(style_works_fts, 2.0, 1.0) LIMIT ?",
            (match, guild_id, limit),
        )
        return [
            SearchRow(str(r["kind"]), str(r["ref"]), str(r["title"]), str(r["body"])) for r in rows
        ]

    # -- the member-data hook --------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        params = (guild_id, user_id)
        palettes = await self._db.fetchall(
            "SELECT id, title, colours, shared, created_at FROM gallery_palettes "
            "WHERE guild_id = ? AND user_id = ? ORDER BY id",
            params,
        )
        page = await self._db.fetchall(
            "SELECT display_name, created_at FROM gallery_members "
            "WHERE guild_id = ? AND user_id = ?",
            params,
        )
        return {
            "palettes": [dict(r) for r in palettes],
            "member_page": [dict(r) for r in page],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Palettes and the page opt-in go; submissions and lyrics go with their own tables."""
        params = (guild_id, user_id)
        changed = 0
        async with self._db.transaction():
            changed += await self._db.execute(
                "DELETE FROM gallery_palettes WHERE guild_id = ? AND user_id = ?", params
            )
            changed += await self._db.execute(
                "DELETE FROM gallery_members WHERE guild_id = ? AND user_id = ?", params
            )
        return changed
