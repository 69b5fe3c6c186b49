"""The creative tools on top of style memory: /inspire (prompts, and a palette for visual
artists) and /analyze (feedback on a piece of writing; nothing is stored)."""

from __future__ import annotations

import asyncio
import logging

from bot.db.repositories import GuildSettingsRepository
from bot.errors import StructuredOutputError, UserInputError
from bot.i18n import _
from models import GenerationOptions, LLMEngine

from .analyze import (
    Analysis,
    check_upload,
    decode_upload,
    finish_analysis,
    prepare_text,
    request_report,
)
from .brief import build_brief
from .inspire import InspireReport, choose_palette, finish_prompts, inspire_messages
from .inspire import is_visual as _is_visual
from .memory import StyleMemory
from .palette import render_palette
from .types import Inspiration, StyleConfig

__all__ = ["CreativeTools"]

log = logging.getLogger(__name__)


class CreativeTools:
    def __init__(
        self,
        engine: LLMEngine,
        guilds: GuildSettingsRepository,
        memory: StyleMemory,
        config: StyleConfig,
    ) -> None:
        self._engine = engine
        self._guilds = guilds
        self._memory = memory
        self._config = config

    async def inspire(self, guild_id: int, user_id: int) -> Inspiration:
        medium = (await self._guilds.get(guild_id)).medium
        profile = await self._memory.personal_profile(guild_id, user_id)
        brief = build_brief(profile, self._config.brief_chars) if profile else None
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

    def check_upload(self, filename: str, size: int) -> None:
        """Type and size checks for an attachment, before downloading it."""
        check_upload(filename, size, max_bytes=self._config.attachment_max_bytes)

    async def analyze(
        self,
        user_id: int,
        *,
        text: str | None = None,
        upload: tuple[str, bytes] | None = None,
    ) -> Analysis:
        """Analyse typed text or an uploaded file. Nothing is stored."""
        if (text is None) == (upload is None):
            raise UserInputError(_("Give me either some text or a .txt/.md file, not both."))
        if upload is not None:
            filename, data = upload
            raw = decode_upload(filename, data, max_bytes=self._config.attachment_max_bytes)
            source = filename[:80]
        else:
            raw, source = text or "", "text"
        work, truncated = prepare_text(raw, limit=self._config.analyze_chars)
        report = await request_report(self._engine, work, user_id)
        if report is None:
            log.info("analyze: the model's answer was not words, even after a retry")
        return finish_analysis(report, work, truncated=truncated, source=source)
