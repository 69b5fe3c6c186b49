"""The gallery service on a real, migrated SQLite database: admins' rights are checked before
anything is written, tokens are unguessable and rotate, and the consent rules hold for
palettes, member pages and erasure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.db import Repositories
from bot.errors import NotAllowed, NotFound, UserInputError
from bot.services.actor import Actor
from bot.services.container import build_services
from bot.services.gallery.service import GalleryService
from bot.settings import Settings
from models import FakeEngine

GUILD = 42
ADMIN = Actor(guild_id=GUILD, channel_id=1, user_id=1, display_name="Ada", can_manage=True)
MEMBER = Actor(guild_id=GUILD, channel_id=1, user_id=2, display_name="Bo <b>")


@pytest.fixture
def gallery(repos: Repositories) -> GalleryService:
    clock = FakeClock(datetime(2026, 5, 4, tzinfo=UTC))
    services = build_services(Settings(_env_file=None), repos, FakeEngine(), clock)  # type: ignore[call-arg]
    return services.gallery


async def test_only_admins_change_the_gallery_and_nothing_is_written_otherwise(
    gallery: GalleryService,
) -> None:
    for change in (gallery.enable, gallery.disable, gallery.rotate):
        with pytest.raises(NotAllowed):
            await change(MEMBER)
    with pytest.raises(NotAllowed):
        await gallery.set_indexable(MEMBER, True)
    assert await gallery.config(GUILD) is None
    with pytest.raises(UserInputError):
        await gallery.set_indexable(ADMIN, True)  # not on yet
    assert await gallery.config(GUILD) is None


async def test_tokens_are_unguessable_rotate_and_resolve_only_while_enabled(
    gallery: GalleryService,
) -> None:
    config = await gallery.enable(ADMIN)
    assert len(config.token) >= 32 and config.enabled
    assert (await gallery.resolve(config.token)) == config
    for probe in ("", config.token[:-1], config.token + "x", "../" + config.token, "a" * 10_000):
        assert await gallery.resolve(probe) is None
    rotated = await gallery.rotate(ADMIN)
    assert rotated.token != config.token and rotated.enabled
    assert await gallery.resolve(config.token) is None
    assert await gallery.resolve(rotated.token) is not None
    await gallery.disable(ADMIN)
    assert await gallery.resolve(rotated.token) is None
    # Links need the web server's URL as well as the gallery being on.
    await gallery.enable(ADMIN)
    assert await gallery.url_for(GUILD) is None
    gallery.attach_base_url("https://muse.example.org/")
    assert (
        await gallery.url_for(GUILD, "potd") == f"https://muse.example.org/g/{rotated.token}/potd"
    )


async def test_palettes_and_member_pages_follow_consent_and_erasure(
    gallery: GalleryService, repos: Repositories
) -> None:
    palette = await gallery.save_palette(GUILD, MEMBER.user_id, "Dusk", ["#112233", "#zzzzzz"])
    [shown] = await gallery.pages.palettes(GUILD)
    assert shown.colours == ("#112233",) and shown.author_name is None  # no page: no name
    with pytest.raises(UserInputError):
        await gallery.save_palette(GUILD, MEMBER.user_id, "None", ["red"])

    assert await gallery.set_profile(MEMBER, True)
    [shown] = await gallery.pages.palettes(GUILD)
    assert shown.author_name == "Bo <b>"  # the template escapes it
    page = await gallery.pages.member(GUILD, MEMBER.user_id)
    assert page is not None and [p.id for p in page.palettes] == [palette]

    with pytest.raises(NotFound):  # someone else's palette
        await gallery.share(ADMIN, f"palette:{palette}", False)
    hidden = await gallery.share(MEMBER, f"palette:{palette}", False)
    assert not hidden.shared and await gallery.pages.palettes(GUILD) == []
    await gallery.share(MEMBER, f"palette:{palette}", True)

    erased = await repos.gallery.erase_member(GUILD, MEMBER.user_id)
    assert erased == 2
    assert await gallery.pages.palettes(GUILD) == []
    assert await gallery.pages.member(GUILD, MEMBER.user_id) is None
