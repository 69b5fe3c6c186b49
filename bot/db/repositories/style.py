"""Style memory: preferences, learned traits, writing samples, pending contributions, and the
community works index (SQLite FTS5) behind /discover."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from ..connection import Database
from ..timestamps import from_db, to_db
from .style_records import (
    MEMBER as _MEMBER,
)
from .style_records import (
    TRAIT_COLUMNS as _TRAIT_COLUMNS,
)
from .style_records import (
    WORK_COLUMNS as _WORK_COLUMNS,
)
from .style_records import (
    PendingContribution,
    SampleRecord,
    TraitRecord,
    WorkHit,
    WorkRecord,
)
from .style_records import (
    trait_from_row as _trait,
)
from .style_records import (
    work_from_row as _work,
)

__all__ = [
    "PendingContribution",
    "SampleRecord",
    "StyleRepository",
    "TraitRecord",
    "WorkHit",
    "WorkRecord",
]


class StyleRepository:
    """Everything style memory stores. Also the member-data hook for its own tables."""

    data_name = "style"

    def __init__(self, db: Database) -> None:
        self._db = db

    @asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        """One transaction around several repository calls (any repository on this database)."""
        async with self._db.transaction():
            yield

    # -- explicit preferences -------------------------------------------------------------------

    async def preferences(self, guild_id: int, user_id: int) -> dict[str, tuple[str, datetime]]:
        """``field -> (value, updated_at)``."""
        rows = await self._db.fetchall(
            f"SELECT field, value, updated_at FROM style_preferences WHERE {_MEMBER}",
            (guild_id, user_id),
        )
        return {str(r["field"]): (str(r["value"]), from_db(str(r["updated_at"]))) for r in rows}

    async def set_preferences(
        self, guild_id: int, user_id: int, values: Mapping[str, str], now: datetime
    ) -> None:
        stamp = to_db(now)
        async with self._db.transaction():
            for field, value in values.items():
                await self._db.execute(
                    "INSERT INTO style_preferences (guild_id, user_id, field, value, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, field) "
                    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (guild_id, user_id, field, value, stamp),
                )

    async def delete_preference(self, guild_id: int, user_id: int, field: str) -> bool:
        changed = await self._db.execute(
            f"DELETE FROM style_preferences WHERE {_MEMBER} AND field = ?",
            (guild_id, user_id, field),
        )
        return changed > 0

    # -- learned traits ---------------------------------------------------------------------------

    async def traits(self, guild_id: int, user_id: int) -> list[TraitRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_TRAIT_COLUMNS} FROM style_traits WHERE {_MEMBER} ORDER BY id",
            (guild_id, user_id),
        )
        return [_trait(r) for r in rows]

    async def replace_traits(
        self, guild_id: int, user_id: int, keep: Sequence[TraitRecord]
    ) -> None:
        """Make the member's traits exactly ``keep``: update stored ones (by id), insert new
        ones (id ``None``), delete the rest. Call inside :meth:`atomic` with the read."""
        kept_ids = [t.id for t in keep if t.id is not None]
        async with self._db.transaction():
            placeholders = ",".join("?" * len(kept_ids))
            where = f" AND id NOT IN ({placeholders})" if kept_ids else ""
            await self._db.execute(
                f"DELETE FROM style_traits WHERE {_MEMBER}{where}",
                (guild_id, user_id, *kept_ids),
            )
            for trait in keep:
                values = (
                    trait.confidence,
                    trait.hits,
                    trait.evidence,
                    trait.source,
                    trait.first_seen,
                    trait.last_seen,
                )
                if trait.id is None:
                    await self._db.insert(
                        "INSERT INTO style_traits (guild_id, user_id, kind, value, confidence, "
                        "hits, evidence, source, first_seen, last_seen) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (guild_id, user_id, trait.kind, trait.value, *values),
                    )
                else:
                    await self._db.execute(
                        "UPDATE style_traits SET confidence = ?, hits = ?, evidence = ?, "
                        f"source = ?, first_seen = ?, last_seen = ? WHERE id = ? AND {_MEMBER}",
                        (*values, trait.id, guild_id, user_id),
                    )

    async def delete_trait(self, guild_id: int, user_id: int, trait_id: int) -> bool:
        changed = await self._db.execute(
            f"DELETE FROM style_traits WHERE id = ? AND {_MEMBER}", (trait_id, guild_id, user_id)
        )
        return changed > 0

    # -- writing samples -----------------------------------------------------------------------

    async def samples(self, guild_id: int, user_id: int) -> list[SampleRecord]:
        rows = await self._db.fetchall(
            f"SELECT id, title, text, created_at FROM style_samples WHERE {_MEMBER} ORDER BY id",
            (guild_id, user_id),
        )
        return [SampleRecord(int(r[0]), str(r[1]), str(r[2]), from_db(str(r[3]))) for r in rows]

    async def add_sample(
        self, guild_id: int, user_id: int, title: str, text: str, now: datetime, *, limit: int
    ) -> int | None:
        """Store a sample unless the member already has ``limit``; returns its id or None."""
        async with self._db.transaction():
            row = await self._db.fetchone(
                f"SELECT COUNT(*) FROM style_samples WHERE {_MEMBER}", (guild_id, user_id)
            )
            if row is not None and int(row[0]) >= limit:
                return None
            return await self._db.insert(
                "INSERT INTO style_samples (guild_id, user_id, title, text, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (guild_id, user_id, title, text, to_db(now)),
            )

    async def delete_sample(self, guild_id: int, user_id: int, sample_id: int) -> bool:
        changed = await self._db.execute(
            f"DELETE FROM style_samples WHERE id = ? AND {_MEMBER}",
            (sample_id, guild_id, user_id),
        )
        return changed > 0

    # -- contributions waiting to be learned from ------------------------------------------------

    async def add_pending(
        self, guild_id: int, user_id: int, kind: str, text: str, now: datetime
    ) -> int:
        return await self._db.insert(
            "INSERT INTO style_pending (guild_id, user_id, kind, text, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (guild_id, user_id, kind, text, to_db(now)),
        )

    async def next_pending(self, after_id: int = 0) -> PendingContribution | None:
        row = await self._db.fetchone(
            "SELECT id, guild_id, user_id, kind, text, created_at FROM style_pending "
            "WHERE id > ? ORDER BY id LIMIT 1",
            (after_id,),
        )
        if row is None:
            return None
        return PendingContribution(
            int(row[0]), int(row[1]), int(row[2]), str(row[3]), str(row[4]), from_db(str(row[5]))
        )

    async def delete_pending(self, pending_id: int) -> None:
        await self._db.execute("DELETE FROM style_pending WHERE id = ?", (pending_id,))

    async def delete_member_pending(self, guild_id: int, user_id: int) -> int:
        return await self._db.execute(
            f"DELETE FROM style_pending WHERE {_MEMBER}", (guild_id, user_id)
        )

    async def pending_count(self) -> int:
        row = await self._db.fetchone("SELECT COUNT(*) FROM style_pending")
        return int(row[0]) if row else 0

    # -- community works -----------------------------------------------------------------------

    async def upsert_work(
        self,
        *,
        guild_id: int,
        kind: str,
        ref: str,
        author_id: int | None,
        title: str,
        body: str,
        url: str | None,
        created_at: datetime,
        human_only: bool = False,
    ) -> int:
        await self._db.execute(
            "INSERT INTO style_works (guild_id, kind, ref, author_id, title, body, url, "
            "created_at, human_only) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
            "(guild_id, kind, ref) DO UPDATE SET author_id = excluded.author_id, "
            "title = excluded.title, body = excluded.body, url = excluded.url, "
            "human_only = excluded.human_only",
            (guild_id, kind, ref, author_id, title, body, url, to_db(created_at), int(human_only)),
        )
        row = await self._db.fetchone(
            "SELECT id FROM style_works WHERE guild_id = ? AND kind = ? AND ref = ?",
            (guild_id, kind, ref),
        )
        assert row is not None
        return int(row[0])

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool:
        """Take one work out of the index. The delete trigger updates the FTS index for this
        row alone, so making a work private costs the same whatever the size of the index."""
        changed = await self._db.execute(
            "DELETE FROM style_works WHERE guild_id = ? AND kind = ? AND ref = ?",
            (guild_id, kind, ref),
        )
        return changed > 0

    async def work(self, guild_id: int, kind: str, ref: str) -> WorkRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_WORK_COLUMNS} FROM style_works WHERE guild_id = ? AND kind = ? AND ref = ?",
            (guild_id, kind, ref),
        )
        return _work(row) if row else None

    async def search_works(
        self,
        guild_id: int,
        match: str,
        *,
        exclude_author: int | None,
        limit: int,
        human_only: bool = False,
    ) -> list[WorkHit]:
        """Works of the guild matching an FTS5 ``match`` expression, best BM25 first
        (title hits weigh twice as much as body hits); ``human_only``: only works without AI."""
        rows = await self._db.fetchall(
            f"SELECT {', '.join('w.' + c for c in _WORK_COLUMNS.split(', '))}, "
            "bm25(style_works_fts, 2.0, 1.0) AS score FROM style_works_fts "
            "JOIN style_works AS w ON w.id = style_works_fts.rowid "
            "WHERE style_works_fts MATCH ? AND w.guild_id = ? "
            "AND (w.author_id IS NULL OR w.author_id IS NOT ?) AND w.human_only >= ? "
            "ORDER BY score LIMIT ?",
            (match, guild_id, exclude_author, int(human_only), limit),
        )
        return [WorkHit(_work(r), float(r["score"])) for r in rows]

    async def scrub_after_erasure(self) -> None:
        """After an erasure has committed: leave no trace of the erased text on disk.

        FTS5 keeps a deleted row's terms in old index segments until they merge, so the index is
        rebuilt from the content table (erasure alone pays for that, in its own statement, not
        inside the erasure's transaction). Then the WAL is checkpointed and truncated, so the
        old page images go too; ``secure_delete`` has zeroed the freed space.
        """
        await self._db.execute("INSERT INTO style_works_fts (style_works_fts) VALUES ('rebuild')")
        await self._db.checkpoint()

    # -- the member-data hook ------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        params = (guild_id, user_id)
        preferences = await self._db.fetchall(
            f"SELECT field, value, updated_at FROM style_preferences WHERE {_MEMBER} "
            "ORDER BY field",
            params,
        )
        traits = await self._db.fetchall(
            f"SELECT {_TRAIT_COLUMNS} FROM style_traits WHERE {_MEMBER} ORDER BY id", params
        )
        samples = await self._db.fetchall(
            f"SELECT id, title, text, created_at FROM style_samples WHERE {_MEMBER} ORDER BY id",
            params,
        )
        pending = await self._db.fetchall(
            f"SELECT id, kind, text, created_at FROM style_pending WHERE {_MEMBER} ORDER BY id",
            params,
        )
        works = await self._db.fetchall(
            f"SELECT {_WORK_COLUMNS} FROM style_works WHERE guild_id = ? AND author_id = ? "
            "ORDER BY id",
            params,
        )
        return {
            "preferences": [dict(r) for r in preferences],
            "traits": [dict(r) for r in traits],
            "samples": [dict(r) for r in samples],
            "waiting_to_be_learned": [dict(r) for r in pending],
            "indexed_works": [dict(r) for r in works],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> int:
        """Delete the member's profile, traits, samples and pending contributions, and their
        works from the index. Stories are shared: they stay indexed without an author."""
        params = (guild_id, user_id)
        changed = 0
        async with self._db.transaction():
            for table in ("style_preferences", "style_traits", "style_samples", "style_pending"):
                changed += await self._db.execute(f"DELETE FROM {table} WHERE {_MEMBER}", params)
            changed += await self._db.execute(
                "DELETE FROM style_works WHERE guild_id = ? AND author_id = ? AND kind != 'story'",
                params,
            )
            changed += await self._db.execute(
                "UPDATE style_works SET author_id = NULL WHERE guild_id = ? AND author_id = ?",
                params,
            )
        return changed
