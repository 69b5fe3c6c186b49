"""StyleService: consent, the profile, background learning, briefs, /inspire, /analyze,
/discover, the works index and the member's data rights, behind one facade.

It implements the :class:`~bot.services.hooks.StyleBriefs` and
:class:`~bot.services.hooks.Contributions` hooks every feature already calls, and the works index
hook features call when something becomes public (see :meth:`StyleService.index_work`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.db.repositories import GuildSettingsRepository, MemberRepository
from bot.db.repositories.style import PendingContribution, StyleRepository
from bot.errors import (
    GenerationCancelled,
    ModelError,
    ModelUnavailable,
    NotFound,
    StructuredOutputError,
    UserInputError,
)
from bot.services.bounds import check_length, record_id
from bot.services.hooks import ContributionKind, ErasureHook, MemberData
from bot.services.text import clean_text
from models import GenerationOptions, LLMEngine, Priority

from .analyze import (
    Analysis,
    check_upload,
    decode_upload,
    finish_analysis,
    prepare_text,
    request_report,
)
from .brief import build_brief
from .consent import OPTIN_TEXT, OPTOUT_TEXT
from .discover import WORK_KINDS, Recommendation, fts_query, rank_works
from .inspire import InspireReport, Prompt, choose_palette, finish_prompts, inspire_messages
from .inspire import is_visual as _is_visual
from .learning import (
    TraitReport,
    clean_observations,
    format_time,
    learning_messages,
    merge_traits,
)
from .palette import render_palette
from .profile import (
    ITEM_KEY_LIMIT,
    PREFERENCE_FIELDS,
    PREFERENCE_LIMIT,
    SAMPLE_LIMIT,
    SAMPLE_MIN_CHARS,
    SAMPLE_TITLE_LIMIT,
    StyleProfile,
    keywords_of,
)

__all__ = ["DataExport", "Inspiration", "StyleConfig", "StyleService"]

log = logging.getLogger(__name__)

CONSENT_FIRST = (
    "Style memory is off for you here. Run `/style optin` first: it explains exactly what is "
    "stored and why."
)
WORK_TITLE_LIMIT = 200
DISCOVER_QUERY_LIMIT = 200
WORK_BODY_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class StyleConfig:
    max_traits: int = 40
    half_life_days: float = 60.0
    min_confidence: float = 0.1
    brief_chars: int = 320
    max_samples: int = 5
    attachment_max_bytes: int = 200_000
    analyze_chars: int = 6000
    learn_chars: int = 1500
    discover_results: int = 5
    learn_delay: float = 0.5  # seconds before background learning looks at the queue
    idle_poll: float = 0.25  # how often background learning checks the model is free

    @classmethod
    def from_settings(cls, settings: Any) -> StyleConfig:
        return cls(
            max_traits=settings.style_max_traits,
            half_life_days=settings.style_trait_half_life_days,
            min_confidence=settings.style_min_confidence,
            brief_chars=settings.style_brief_chars,
            max_samples=settings.style_max_samples,
            attachment_max_bytes=settings.style_attachment_max_bytes,
            analyze_chars=settings.style_analyze_chars,
            learn_chars=settings.style_learn_chars,
        )


@dataclass(frozen=True, slots=True)
class Inspiration:
    prompts: list[Prompt]
    medium: str
    personalised: bool
    palette: list[str] | None
    palette_png: bytes | None


@dataclass(frozen=True, slots=True)
class DataExport:
    filename: str
    data: bytes
    counts: dict[str, int]


class StyleService:
    def __init__(
        self,
        store: StyleRepository,
        members: MemberRepository,
        guilds: GuildSettingsRepository,
        engine: LLMEngine,
        clock: Clock,
        *,
        config: StyleConfig | None = None,
        member_data: Sequence[MemberData] = (),
    ) -> None:
        self._store = store
        self._members = members
        self._guilds = guilds
        self._engine = engine
        self._clock = clock
        self.config = config or StyleConfig()
        # The container's list: features built after this service append their repositories.
        self._member_data = member_data
        self._erasure_hooks: list[ErasureHook] = []
        self._worker: asyncio.Task[None] | None = None
        self._more = False
        self._stopped = False

    # -- consent --------------------------------------------------------------------------------

    async def optin(self, guild_id: int, user_id: int) -> str:
        await self._members.set_consent(guild_id, user_id, True)
        return OPTIN_TEXT

    async def optout(self, guild_id: int, user_id: int) -> str:
        member = await self._members.get(guild_id, user_id)
        if not member.consent:
            raise UserInputError(
                "You haven't opted in here, so Muse isn't learning anything about you."
            )
        async with self._store.atomic():
            await self._members.set_consent(guild_id, user_id, False)
            await self._store.delete_member_pending(guild_id, user_id)
        return OPTOUT_TEXT

    async def set_personalise(self, guild_id: int, user_id: int, enabled: bool) -> None:
        await self._require_consent(guild_id, user_id)
        await self._members.set_personalise(guild_id, user_id, enabled)

    async def _require_consent(self, guild_id: int, user_id: int) -> None:
        if not (await self._members.get(guild_id, user_id)).consent:
            raise UserInputError(CONSENT_FIRST)

    # -- the profile ----------------------------------------------------------------------------

    async def profile(self, guild_id: int, user_id: int) -> StyleProfile:
        member = await self._members.get(guild_id, user_id)
        return StyleProfile.build(
            guild_id=guild_id,
            user_id=user_id,
            consent=member.consent,
            consent_at=member.consent_at,
            personalise=member.personalise,
            preferences=await self._store.preferences(guild_id, user_id),
            traits=await self._store.traits(guild_id, user_id),
            samples=await self._store.samples(guild_id, user_id),
            now=self._clock.now(),
            half_life_days=self.config.half_life_days,
        )

    async def editable_profile(self, guild_id: int, user_id: int) -> StyleProfile:
        """The profile of a member who opted in (to prefill forms); refuses everyone else."""
        profile = await self.profile(guild_id, user_id)
        if not profile.consent:
            raise UserInputError(CONSENT_FIRST)
        return profile

    async def set_preferences(
        self,
        guild_id: int,
        user_id: int,
        values: dict[str, str | None],
        *,
        clear_blank: bool = False,
    ) -> StyleProfile:
        """Set the given fields. ``None`` leaves a field alone; with ``clear_blank`` an empty
        value removes it (a form that was emptied)."""
        cleaned: dict[str, str] = {}
        cleared: list[str] = []
        for name, value in values.items():
            if name not in PREFERENCE_FIELDS:
                raise UserInputError(f"Unknown profile field {name!r}.")
            if value is None:
                continue
            label = PREFERENCE_FIELDS[name].lower()
            text = clean_text(value, field=label, max_length=PREFERENCE_LIMIT, required=False)
            if text:
                cleaned[name] = text
            elif clear_blank:
                cleared.append(name)
            else:
                raise UserInputError(f"The {label} can't be empty.")
        if not cleaned and not cleared:
            raise UserInputError(
                "Tell me at least one thing: media, genres, tone, themes or what to avoid."
            )
        await self._require_consent(guild_id, user_id)
        async with self._store.atomic():
            if cleaned:
                await self._store.set_preferences(
                    guild_id, user_id, cleaned, format_time(self._clock.now())
                )
            for name in cleared:
                await self._store.delete_preference(guild_id, user_id, name)
        return await self.profile(guild_id, user_id)

    async def add_sample(self, guild_id: int, user_id: int, title: str | None, text: str) -> int:
        clean = clean_text(text, field="writing sample", max_length=SAMPLE_LIMIT, multiline=True)
        if len(clean) < SAMPLE_MIN_CHARS:
            raise UserInputError(
                f"That sample is too short to learn from: give at least {SAMPLE_MIN_CHARS} "
                "characters of your writing."
            )
        heading = (
            clean_text(title, field="title", max_length=SAMPLE_TITLE_LIMIT, required=False)
            or clean[:40].split("\n")[0]
        )
        await self._require_consent(guild_id, user_id)
        sample_id = await self._store.add_sample(
            guild_id,
            user_id,
            heading,
            clean,
            format_time(self._clock.now()),
            limit=self.config.max_samples,
        )
        if sample_id is None:
            raise UserInputError(
                f"You already have {self.config.max_samples} samples; remove one with "
                "`/style remove` first."
            )
        await self._queue_learning(guild_id, user_id, "writing_sample", clean)
        return sample_id

    async def items(self, guild_id: int, user_id: int) -> list[tuple[str, str]]:
        """``(key, label)`` of every single item a member can remove."""
        profile = await self.profile(guild_id, user_id)
        found = [(f"pref:{p.field}", f"{p.label}: {p.value}") for p in profile.preferences.values()]
        found += [
            (f"trait:{t.id}", f"Trait · {t.kind}: {t.value} ({t.confidence:.0%})")
            for t in profile.traits
        ]
        found += [(f"sample:{s.id}", f"Sample: {s.title}") for s in profile.samples]
        return [(key, label[:100]) for key, label in found]

    async def remove_item(self, guild_id: int, user_id: int, key: str) -> str:
        check_length(key, field="item", max_length=ITEM_KEY_LIMIT)
        kind, _, ident = key.partition(":")
        removed = False
        if kind == "pref" and ident in PREFERENCE_FIELDS:
            removed = await self._store.delete_preference(guild_id, user_id, ident)
            label = PREFERENCE_FIELDS[ident]
        elif kind in ("trait", "sample") and (number := record_id(ident)) is not None:
            if kind == "trait":
                removed = await self._store.delete_trait(guild_id, user_id, number)
            else:
                removed = await self._store.delete_sample(guild_id, user_id, number)
            label = f"That {kind}"
        if not removed:
            raise NotFound("I can't find that item in your style profile. Pick one from the list.")
        return f"{label} was removed from your style profile."

    # -- briefs (the StyleBriefs hook) -------------------------------------------------------

    async def brief_for(self, guild_id: int | None, user_id: int) -> str | None:
        if guild_id is None:
            return None
        member = await self._members.get(guild_id, user_id)
        if not (member.consent and member.personalise):
            return None
        return build_brief(await self.profile(guild_id, user_id), self.config.brief_chars)

    # -- learning (the Contributions hook) -----------------------------------------------------

    async def record(
        self, guild_id: int | None, user_id: int, kind: ContributionKind, text: str
    ) -> None:
        """Queue a contribution of an opted-in member for background learning. Cheap: one
        read, one insert; the model work happens later at background priority."""
        if guild_id is None or not text.strip():
            return
        if not (await self._members.get(guild_id, user_id)).consent:
            return
        await self._queue_learning(guild_id, user_id, kind, text)

    async def _queue_learning(self, guild_id: int, user_id: int, kind: str, text: str) -> None:
        await self._store.add_pending(
            guild_id, user_id, kind, text[: self.config.learn_chars], format_time(self._clock.now())
        )
        self._kick()

    def start(self) -> None:
        """Resume learning from contributions a previous run left waiting."""
        self._stopped = False
        self._kick()

    async def stop(self) -> None:
        self._stopped = True
        worker, self._worker = self._worker, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def drain(self) -> None:
        """Wait until every waiting contribution has been learned from (tests, shutdown)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    def _kick(self) -> None:
        self._more = True
        if self._stopped:
            return
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._learn_pending(), name="style-learning")
            self._worker.add_done_callback(_log_failure)

    async def _learn_pending(self) -> None:
        if self.config.learn_delay:
            await asyncio.sleep(self.config.learn_delay)
        while self._more:
            self._more = False
            last = 0
            while (item := await self._store.next_pending(last)) is not None:
                last = item.id
                await self._wait_for_idle_model()
                try:
                    await self._learn(item)
                except (ModelUnavailable, GenerationCancelled):
                    log.info("style learning paused: the model is not available")
                    return  # the contribution stays queued for the next start
                except ModelError as exc:
                    log.info(
                        "style learning skipped contribution %d: %s", item.id, type(exc).__name__
                    )
                except Exception:
                    log.exception("style learning failed on contribution %d", item.id)
                await self._store.delete_pending(item.id)

    async def _wait_for_idle_model(self) -> None:
        # Priority already puts members first in the queue; waiting for an idle model as well
        # means a learning run rarely holds the model when a member's request arrives.
        while True:
            stats = self._engine.stats()
            if stats.waiting == 0 and stats.running == 0:
                return
            await asyncio.sleep(self.config.idle_poll)

    async def _learn(self, item: PendingContribution) -> None:
        if not (await self._members.get(item.guild_id, item.user_id)).consent:
            return
        report = await self._engine.structured(
            learning_messages(item.kind, item.text),
            TraitReport,
            GenerationOptions(max_tokens=280, temperature=0.2),
            user_id=item.user_id,
            priority=Priority.BACKGROUND,
        )
        observations = clean_observations(report, item.text)
        if not observations:
            return
        async with self._store.atomic():
            # Consent is checked again inside the write: an erasure or opt-out that happened
            # while the model was busy wins.
            if not (await self._members.get(item.guild_id, item.user_id)).consent:
                return
            existing = await self._store.traits(item.guild_id, item.user_id)
            merged = merge_traits(
                existing,
                observations,
                now=self._clock.now(),
                source=item.kind,
                half_life_days=self.config.half_life_days,
                cap=self.config.max_traits,
                min_confidence=self.config.min_confidence,
            )
            await self._store.replace_traits(item.guild_id, item.user_id, merged)

    # -- /inspire -------------------------------------------------------------------------------

    async def _personal_profile(self, guild_id: int, user_id: int) -> StyleProfile | None:
        member = await self._members.get(guild_id, user_id)
        if not (member.consent and member.personalise):
            return None
        return await self.profile(guild_id, user_id)

    async def inspire(self, guild_id: int, user_id: int) -> Inspiration:
        medium = (await self._guilds.get(guild_id)).medium
        profile = await self._personal_profile(guild_id, user_id)
        brief = build_brief(profile, self.config.brief_chars) if profile else None
        keywords = profile.keywords() if profile else []
        visual = _is_visual(medium, profile.preference("media") if profile else "")
        try:
            report = await self._engine.structured(
                inspire_messages(medium, brief, visual=visual),
                InspireReport,
                GenerationOptions(max_tokens=360, temperature=0.8),
                user_id=user_id,
            )
            ideas, colours = list(report.prompts), list(report.colours)
        except StructuredOutputError:
            log.info("inspire: the model's answer did not validate; using fallback prompts")
            ideas, colours = [], []
        prompts = finish_prompts(ideas, keywords, medium)
        palette = choose_palette(colours, keywords) if visual else None
        png = await asyncio.to_thread(render_palette, palette) if palette else None
        return Inspiration(prompts, medium, brief is not None, palette, png)

    # -- /analyze -------------------------------------------------------------------------------

    def check_upload(self, filename: str, size: int) -> None:
        """Type and size checks for an attachment, before downloading it."""
        check_upload(filename, size, max_bytes=self.config.attachment_max_bytes)

    async def analyze(
        self,
        user_id: int,
        *,
        text: str | None = None,
        upload: tuple[str, bytes] | None = None,
    ) -> Analysis:
        """Analyse typed text or an uploaded file. Nothing is stored."""
        if (text is None) == (upload is None):
            raise UserInputError("Give me either some text or a .txt/.md file, not both.")
        if upload is not None:
            filename, data = upload
            raw = decode_upload(filename, data, max_bytes=self.config.attachment_max_bytes)
            source = filename[:80]
        else:
            raw, source = text or "", "text"
        work, truncated = prepare_text(raw, limit=self.config.analyze_chars)
        report = await request_report(self._engine, work, user_id)
        if report is None:
            log.info("analyze: the model's answer was not words, even after a retry")
        return finish_analysis(report, work, truncated=truncated, source=source)

    # -- /discover and the works index ---------------------------------------------------------

    async def index_work(
        self,
        *,
        guild_id: int,
        kind: str,
        ref: str,
        title: str,
        text: str,
        author_id: int | None = None,
        url: str | None = None,
        created_at: datetime | None = None,
    ) -> int:
        """Add or update a community work in the /discover index (idempotent per
        ``(guild_id, kind, ref)``).

        Features call this when a work becomes public: ``kind`` "story" (a finished story;
        ``author_id`` None, it belongs to everyone who wrote it), "potd_submission" or
        "lyrics" (only lyrics their author marked public). ``ref`` is the feature's own id,
        ``url`` a jump link. Call :meth:`remove_work` when it stops being public. Erasing a
        member deletes their works from the index; stories stay.
        """
        if kind not in WORK_KINDS:
            raise ValueError(f"unknown work kind {kind!r}")
        return await self._store.upsert_work(
            guild_id=guild_id,
            kind=kind,
            ref=ref,
            author_id=author_id,
            title=(title.strip() or "Untitled")[:WORK_TITLE_LIMIT],
            body=text[:WORK_BODY_LIMIT],
            url=url,
            created_at=format_time(created_at or self._clock.now()),
        )

    async def remove_work(self, guild_id: int, kind: str, ref: str) -> bool:
        return await self._store.remove_work(guild_id, kind, ref)

    async def discover(
        self, guild_id: int, user_id: int, about: str | None = None
    ) -> tuple[list[Recommendation], list[str]]:
        """Works that fit the member (or ``about``), best first, and the words searched for."""
        if about is not None:
            keywords = keywords_of(
                [clean_text(about, field="search", max_length=DISCOVER_QUERY_LIMIT)]
            )
        else:
            profile = await self._personal_profile(guild_id, user_id)
            if profile is None or profile.is_empty:
                raise UserInputError(
                    "I don't know your style yet. Opt in with `/style optin` and tell me about "
                    "it with `/style set`, or search with `/discover about:`."
                )
            keywords = profile.keywords()
        query = fts_query(keywords)
        if query is None:
            raise UserInputError("Give me a few words to look for (3 letters or more).")
        hits = await self._store.search_works(guild_id, query, exclude_author=user_id, limit=50)
        return rank_works(hits, keywords, self._clock.now(), self.config.discover_results), keywords

    # -- data rights ----------------------------------------------------------------------------

    def _sources(self) -> list[MemberData]:
        sources = list(self._member_data)
        if self._store not in sources:
            sources.append(self._store)
        if self._members not in sources:
            sources.append(self._members)
        return sources

    async def export(self, guild_id: int, user_id: int) -> DataExport:
        """Everything stored about the member in this server, as a JSON document."""
        sections: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for source in self._sources():
            section = await source.export_member(guild_id, user_id)
            sections[source.data_name] = section
            counts[source.data_name] = sum(
                len(v) if isinstance(v, list) else int(v is not None) for v in section.values()
            )
        document = {
            "format": "muse-member-export/1",
            "guild_id": guild_id,
            "user_id": user_id,
            "exported_at": format_time(self._clock.now()),
            "data": sections,
        }
        data = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        return DataExport(f"muse-data-{guild_id}-{user_id}.json", data, counts)

    def add_erasure_hook(self, hook: ErasureHook) -> None:
        """``hook.release_member`` runs before each erasure (features built after this one)."""
        self._erasure_hooks.append(hook)

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Erase everything about the member in this server, in one transaction; returns the
        number of rows removed or anonymised.

        First each feature winds down what it holds for the member (a story turn moves on);
        after the commit, the works index is rebuilt and the WAL checkpointed so the erased
        text is gone from the files on disk too."""
        for hook in self._erasure_hooks:
            await hook.release_member(guild_id, user_id)
        sources = self._sources()
        # One transaction: all of it goes, or (on any error) none of it does.
        sources.sort(key=lambda s: s is self._members)
        changed = 0
        async with self._store.atomic():
            for source in sources:
                changed += await source.erase_member(guild_id, user_id)
        await self._store.scrub_after_erasure()
        log.info("erased member %s in guild %s: %d row(s)", user_id, guild_id, changed)
        return changed


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("style learning stopped", exc_info=task.exception())
