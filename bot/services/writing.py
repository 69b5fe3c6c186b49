"""Free writing help: a poem, story, song lyric or scene from a topic, streamed; or a poem in a
fixed form (haiku, sonnet, villanelle...), drafted, checked by code and repaired, then shown whole.

Every request is recorded, so "regenerate" and "continue" work from the stored request even after
a restart; only the member who asked may use them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal

from bot.clock import Clock
from bot.db.repositories import GenerationRecord, GenerationRepository
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.i18n import _, pgettext
from bot.services.continuation import NoRepeatFilter, tail_lines
from bot.services.hooks import Contributions, NoContributions, NoStyleBriefs, StyleBriefs
from bot.services.poetry import FormPoem, PoemDrafter, Progress, fixed_forms, form_choices
from bot.services.prompts import phrases, prompt_messages
from bot.services.slot_echo import SlotEchoFilter
from bot.services.text import clean_text
from models import ChatMessage, GenerationOptions, LLMEngine, StreamEvent, TextDelta
from models.errors import gettext_noop

__all__ = [
    "ALL_FORMS",
    "FIXED_FORMS",
    "FORMS",
    "LENGTHS",
    "TONE_LIMIT",
    "TOPIC_LIMIT",
    "Length",
    "WritingService",
    "WritingStream",
    "form_label",
]

Length = Literal["short", "medium", "long"]
FORMS: dict[str, str] = phrases("write.forms")  # streamed form -> how the prompt names it
FIXED_FORMS = fixed_forms()  # drafted whole, checked by code and repaired
FORM_LABELS = {
    "poem": "Poem",
    "story": "Short story",
    "lyrics": "Song lyrics",
    "scene": "Scene",
    **form_choices(),
}


def form_label(form: str) -> str:
    """A form's name as shown: the /write choice's label, from the catalog's choice entries."""
    return pgettext("choice", FORM_LABELS[form])


#: Every value of /write's form option, in the order the command lists them.
ALL_FORMS: tuple[str, ...] = tuple(dict.fromkeys([*FORMS, *form_choices()]))
_LENGTH_TOKENS = {"short": 160, "medium": 350, "long": 700}
LENGTHS: dict[str, tuple[int, str]] = {  # length -> (max tokens, the prompt's length rule)
    name: (tokens, phrases("write.lengths")[name]) for name, tokens in _LENGTH_TOKENS.items()
}
TOPIC_LIMIT = 300
TONE_LIMIT = 60
CONTINUE_TAIL_CHARS = 400  # the model sees only the piece's last lines: less to copy
#: Marked, not translated here: it is streamed (and stored) in the reply's language.
NOTHING_NEW = gettext_noop(
    "*(The model only repeated the piece, so there is nothing new to add. Try Regenerate, or "
    "set MUSE_MODEL_PATH to a larger model, which continues far better.)*"
)


@dataclass(frozen=True, slots=True)
class WritingStream:
    """A generation in progress. Iterate ``events()`` once; the result is stored at the end."""

    record: GenerationRecord
    title: str
    _events: AsyncIterator[StreamEvent]

    @property
    def generation_id(self) -> int:
        return self.record.id

    def events(self) -> AsyncIterator[StreamEvent]:
        return self._events


class WritingService:
    def __init__(
        self,
        engine: LLMEngine,
        generations: GenerationRepository,
        *,
        clock: Clock,
        style: StyleBriefs | None = None,
        contributions: Contributions | None = None,
        temperature: float = 0.7,
        poetry_rounds: int = 3,
    ) -> None:
        self._engine = engine
        self.poems = PoemDrafter(engine, repair_rounds=poetry_rounds, temperature=temperature)
        self._generations = generations
        self._clock = clock
        self._style = style or NoStyleBriefs()
        self._contributions = contributions or NoContributions()
        self._temperature = temperature

    # -- validation ------------------------------------------------------------------------------

    @staticmethod
    def validate(form: str, topic: str, tone: str | None, length: str) -> tuple[str, str | None]:
        if form not in FORMS and form not in FIXED_FORMS:
            raise UserInputError(_("Pick a form: {forms}.", forms=", ".join(ALL_FORMS)))
        if length not in LENGTHS:
            raise UserInputError(_("Pick a length: {lengths}.", lengths=", ".join(LENGTHS)))
        clean_topic = clean_text(topic, field="topic", max_length=TOPIC_LIMIT)
        clean_tone = clean_text(tone, field="tone", max_length=TONE_LIMIT, required=False) or None
        return clean_topic, clean_tone

    # -- the three ways to start ----------------------------------------------------------------

    async def write(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        form: str,
        topic: str,
        tone: str | None = None,
        length: str = "medium",
    ) -> WritingStream:
        clean_topic, clean_tone = self.validate(form, topic, tone, length)
        record = await self._generations.create(
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            kind="write",
            form=form,
            topic=clean_topic,
            tone=clean_tone,
            length=length,
            now=self._clock.now(),
        )
        await self._contributions.record(guild_id, user_id, "write_topic", clean_topic)
        messages = await self._messages(record)
        return self._stream(record, messages)

    async def regenerate(self, generation_id: int, user_id: int) -> WritingStream:
        parent = await self._owned(generation_id, user_id)
        if parent.form in FIXED_FORMS:
            raise UserInputError(_("A fixed-form poem is regenerated whole, with its checks."))
        record = await self._child(parent, user_id, "regenerate")
        return self._stream(record, await self._messages(record))

    async def continue_(self, generation_id: int, user_id: int) -> WritingStream:
        parent = await self._owned(generation_id, user_id)
        if parent.form in FIXED_FORMS:
            raise UserInputError(_("A fixed-form poem is complete: it can't be continued."))
        if not parent.text:
            raise UserInputError(_("There's nothing to continue yet: that piece didn't finish."))
        record = await self._child(parent, user_id, "continue")
        messages = await self._continue_messages(record, parent.text)
        return self._stream(record, messages, original=parent.text)

    # -- fixed forms: generated whole, then shown with their checks ----------------------------

    @staticmethod
    def is_fixed(form: str) -> bool:
        return form in FIXED_FORMS

    async def write_form(
        self,
        *,
        guild_id: int | None,
        channel_id: int,
        user_id: int,
        form: str,
        topic: str,
        tone: str | None = None,
        progress: Progress | None = None,
    ) -> FormPoem:
        """A fixed-form poem: recorded, drafted, checked and repaired (``bot.services.poetry``)."""
        clean_topic, clean_tone = self.validate(form, topic, tone, "medium")
        if form not in FIXED_FORMS:
            raise UserInputError(_("{form} has no fixed form to check.", form=form_label(form)))
        record = await self._generations.create(
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            kind="write",
            form=form,
            topic=clean_topic,
            tone=clean_tone,
            length="medium",
            now=self._clock.now(),
        )
        await self._contributions.record(guild_id, user_id, "write_topic", clean_topic)
        return await self._compose(record, progress)

    async def regenerate_form(
        self, generation_id: int, user_id: int, progress: Progress | None = None
    ) -> FormPoem:
        parent = await self._owned(generation_id, user_id)
        if parent.form not in FIXED_FORMS:
            raise UserInputError(_("That piece has no fixed form; use its own Regenerate button."))
        record = await self._child(parent, user_id, "regenerate")
        return await self._compose(record, progress)

    async def _compose(self, record: GenerationRecord, progress: Progress | None) -> FormPoem:
        brief = await self._style.brief_for(record.guild_id, record.user_id)
        text, ok = "", False
        try:
            composition = await self.poems.compose(
                FIXED_FORMS[record.form],
                record.topic,
                tone=record.tone,
                user_id=record.user_id,
                brief=brief,
                progress=progress,
            )
            text, ok = "\n".join(composition.lines), True
        finally:
            await self._generations.finish(record.id, text, ok=ok, now=self._clock.now())
        title = _("{form} · {topic}", form=form_label(record.form), topic=record.topic[:80])
        return FormPoem(record.id, title, composition)

    # -- internals -------------------------------------------------------------------------------

    async def _child(self, parent: GenerationRecord, user_id: int, kind: str) -> GenerationRecord:
        """A new generation from ``parent``'s request (a regeneration or a continuation)."""
        return await self._generations.create(
            guild_id=parent.guild_id,
            channel_id=parent.channel_id,
            user_id=user_id,
            kind=kind,
            form=parent.form,
            topic=parent.topic,
            tone=parent.tone,
            length=parent.length,
            parent_id=parent.id,
            now=self._clock.now(),
        )

    async def _owned(self, generation_id: int, user_id: int) -> GenerationRecord:
        record = await self._generations.get(generation_id)
        if record is None:
            raise NotFound(_("I can't find that piece any more."))
        if record.user_id != user_id:
            raise NotAllowed(_("Only the member who asked for this piece can use its buttons."))
        return record

    async def _messages(self, record: GenerationRecord) -> list[ChatMessage]:
        length_rule = LENGTHS[record.length][1]
        brief = await self._style.brief_for(record.guild_id, record.user_id)
        return prompt_messages(
            "write",
            fields={"form": FORMS[record.form], "length_rule": length_rule},
            slots={"topic": record.topic, "tone": record.tone},
            system_slots={"style_echo": brief},
        )

    async def _continue_messages(self, record: GenerationRecord, text: str) -> list[ChatMessage]:
        """Only the piece's last lines, and a request for the lines that come after them."""
        length_rule = LENGTHS[record.length][1]
        brief = await self._style.brief_for(record.guild_id, record.user_id)
        return prompt_messages(
            "write_continue",
            fields={"form": FORMS[record.form], "length_rule": length_rule},
            slots={"topic": record.topic, "last_lines": tail_lines(text, CONTINUE_TAIL_CHARS)},
            system_slots={"style_echo": brief},
        )

    def _stream(
        self, record: GenerationRecord, messages: list[ChatMessage], *, original: str | None = None
    ) -> WritingStream:
        max_tokens = LENGTHS[record.length][0]
        options = GenerationOptions(max_tokens=max_tokens, temperature=self._temperature)
        label, topic = form_label(record.form), record.topic[:80]
        if record.kind == "continue":
            title = _("{form} · {topic} (continued)", form=label, topic=topic)
        else:
            title = _("{form} · {topic}", form=label, topic=topic)
        if original is not None:
            events = self._run_new_only(record, messages, options, original)
        else:
            events = self._run(record, messages, options)
        return WritingStream(record, title, events)

    async def _run(
        self, record: GenerationRecord, messages: list[ChatMessage], options: GenerationOptions
    ) -> AsyncIterator[StreamEvent]:
        parts: list[str] = []
        echo = SlotEchoFilter()  # the model must not write the prompt's markers back
        ok = False
        try:
            async for event in self._engine.stream(messages, options, user_id=record.user_id):
                if isinstance(event, TextDelta):
                    shown = echo.feed(event.text)
                    if not shown:
                        continue
                    parts.append(shown)
                    event = TextDelta(shown)
                yield event
            if rest := echo.finish():
                parts.append(rest)
                yield TextDelta(rest)
            ok = True
        finally:
            await self._generations.finish(
                record.id, "".join(parts).strip(), ok=ok, now=self._clock.now()
            )

    async def _run_new_only(
        self,
        record: GenerationRecord,
        messages: list[ChatMessage],
        options: GenerationOptions,
        original: str,
    ) -> AsyncIterator[StreamEvent]:
        """A continuation: only lines that are not the piece again; one warmer retry when the
        model wrote nothing new, then a plain note."""
        guard = NoRepeatFilter(original)
        parts: list[str] = []
        ok = False
        try:
            for attempt in range(2):
                if attempt:
                    options = options.with_(
                        temperature=min(1.0, (options.temperature or 0.7) + 0.2)
                    )
                echo = SlotEchoFilter()
                async for event in self._engine.stream(messages, options, user_id=record.user_id):
                    text = None
                    if isinstance(event, TextDelta):
                        text = guard.feed(echo.feed(event.text))
                    if text is None:
                        yield event
                    elif text:
                        parts.append(text)
                        yield TextDelta(text)
                if tail := guard.feed(echo.finish()):
                    parts.append(tail)
                    yield TextDelta(tail)
                if rest := guard.finish():
                    parts.append(rest)
                    yield TextDelta(rest)
                if guard.emitted.strip():
                    break
            else:
                nothing_new = _(NOTHING_NEW)
                parts.append(nothing_new)
                yield TextDelta(nothing_new)
            ok = True
        finally:
            await self._generations.finish(
                record.id, "".join(parts).strip(), ok=ok, now=self._clock.now()
            )
