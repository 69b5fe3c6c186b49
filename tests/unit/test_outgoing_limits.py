"""Fitting outgoing payloads within Discord's limits: whatever a cog builds, the result passes
the sandbox's independent check of Discord's documented limits, and text is cut cleanly."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord_io.limits import fit_message, fit_modal, fit_request, shorten
from bot.discord_io.outgoing import _guard_http, _guard_webhook, fit_form
from bot.sandbox.limits import message_violation, modal_violation

_text = st.text(alphabet=st.sampled_from("ab cd.\n`*@é"), min_size=0, max_size=1).flatmap(
    lambda unit: st.integers(0, 9000).map(lambda n: (unit or "a") * n)
)
_words = st.integers(0, 9000).map(lambda n: ("word " * (n // 5 + 1))[:n])
_any_text = st.one_of(_text, _words)

_field = st.fixed_dictionaries({"name": _any_text, "value": _any_text, "inline": st.booleans()})
_embed = st.fixed_dictionaries(
    {},
    optional={
        "title": _any_text,
        "description": _any_text,
        "fields": st.lists(_field, max_size=30),
        "footer": st.fixed_dictionaries({"text": _any_text}),
        "author": st.fixed_dictionaries({"name": _any_text}),
    },
)
_button = st.fixed_dictionaries(
    {"type": st.just(2), "style": st.just(1), "label": _any_text, "custom_id": _any_text}
)
_select = st.fixed_dictionaries(
    {
        "type": st.just(3),
        "custom_id": st.just("pick"),
        "placeholder": _any_text,
        "options": st.lists(
            st.fixed_dictionaries({"label": _any_text, "value": st.just("v")}), max_size=30
        ),
        "max_values": st.integers(1, 30),
    }
)
_row = st.fixed_dictionaries(
    {"type": st.just(1), "components": st.lists(st.one_of(_button, _select), max_size=8)}
)
_message = st.fixed_dictionaries(
    {},
    optional={
        "content": _any_text,
        "embeds": st.lists(_embed, max_size=12),
        "components": st.lists(_row, max_size=7),
        "attachments": st.lists(st.fixed_dictionaries({"id": st.integers(0, 20)}), max_size=12),
    },
)


def _violation(payload: dict[str, Any]) -> Any:
    return message_violation(
        payload.get("content") or "",
        payload.get("embeds") or [],
        payload.get("components") or [],
        len(payload.get("attachments") or []),
    )


@settings(max_examples=150, deadline=None)
@given(payload=_message)
def test_any_message_is_fitted_within_every_limit(payload: dict[str, Any]) -> None:
    fitted, notes = fit_message(payload)
    assert _violation(fitted) is None
    if _violation(payload) is not None:
        assert notes  # a change is always reported


@settings(max_examples=60, deadline=None)
@given(payload=_message)
def test_a_message_within_the_limits_is_left_alone(payload: dict[str, Any]) -> None:
    fitted, _ = fit_message(payload)
    again, notes = fit_message(fitted)
    assert again == fitted and notes == []


@settings(max_examples=100, deadline=None)
@given(text=_any_text, limit=st.integers(10, 4096))
def test_shortened_text_is_a_clean_prefix_marked_with_an_ellipsis(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if len(text) <= limit:
        assert short == text
    else:
        assert short.endswith("…")
        if "```" not in text:  # (a cut inside a code block closes the block first)
            assert text.startswith(short.removesuffix("…").rstrip())


def test_long_prose_is_cut_at_a_sentence_not_mid_word() -> None:
    text = "The river keeps its counsel. " * 200
    short = shorten(text, 2000)
    assert short.endswith("counsel. …") and len(short) <= 2000


@settings(max_examples=60, deadline=None)
@given(title=_any_text, label=_any_text, placeholder=_any_text, value=_any_text)
def test_any_modal_is_fitted(title: str, label: str, placeholder: str, value: str) -> None:
    text_input = {
        "type": 4,
        "custom_id": "body",
        "style": 2,
        "label": label or "x",
        "placeholder": placeholder,
        "value": value,
        "max_length": 4000,
    }
    modal = {
        "custom_id": "m",
        "title": title or "t",
        "components": [{"type": 1, "components": [text_input]}] * 6,
    }
    fitted, _ = fit_modal(modal)
    assert modal_violation(fitted) is None


def test_requests_are_fitted_by_route() -> None:
    big = {"content": "x " * 3000}
    for method, path in (
        ("POST", "/channels/{channel_id}/messages"),
        ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
        ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
        ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
    ):
        fitted, notes = fit_request(method, path, big)
        assert len(fitted["content"]) <= 2000 and notes, path
    callback, _ = fit_request(
        "POST", "/interactions/{id}/{token}/callback", {"type": 4, "data": big}
    )
    assert len(callback["data"]["content"]) <= 2000
    modal = {"type": 9, "data": {"custom_id": "m", "title": "T" * 80, "components": []}}
    assert len(fit_request("POST", "/interactions/1/t/callback", modal)[0]["data"]["title"]) <= 45
    choices = {"type": 8, "data": {"choices": [{"name": "n" * 200, "value": "v"}] * 30}}
    fitted_choices = fit_request("POST", "/interactions/1/t/callback", choices)[0]["data"]
    assert len(fitted_choices["choices"]) == 25 and len(fitted_choices["choices"][0]["name"]) <= 100
    thread = {"name": "thread", "message": big}
    assert len(fit_request("POST", "/channels/1/threads", thread)[0]["message"]["content"]) <= 2000
    untouched = {"name": "n" * 500}
    assert fit_request("PATCH", "/guilds/{guild_id}", untouched) == (untouched, [])


def test_multipart_bodies_keep_ten_files_and_a_fitted_payload() -> None:
    payload = {"content": "y" * 2500, "attachments": [{"id": i} for i in range(12)]}
    form = [{"name": "payload_json", "value": json.dumps(payload)}]
    form += [{"name": f"files[{i}]", "value": b"data", "filename": f"{i}.txt"} for i in range(12)]
    fitted, notes = fit_form("POST", "/channels/{channel_id}/messages", form)
    body = json.loads(fitted[0]["value"])
    assert len(body["content"]) <= 2000 and len(body["attachments"]) == 10
    assert [p["name"] for p in fitted[1:]] == [f"files[{i}]" for i in range(10)]
    assert any("files[11]" in n for n in notes)


class _Route:
    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path


async def test_both_transports_pass_their_bodies_through_the_fitter() -> None:
    seen: list[dict[str, Any]] = []

    async def request(route: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(kwargs)

    http = _guard_http(request)
    await http(_Route("POST", "/channels/{channel_id}/messages"), json={"content": "z" * 3000})
    webhook = _guard_webhook(request)
    route = _Route("POST", "/interactions/{webhook_id}/{webhook_token}/callback")
    await webhook(route, session=None, payload={"type": 4, "data": {"content": "z" * 3000}})
    assert len(seen[0]["json"]["content"]) <= 2000
    assert len(seen[1]["payload"]["data"]["content"]) <= 2000
    assert seen[1]["session"] is None  # everything else is passed on untouched
