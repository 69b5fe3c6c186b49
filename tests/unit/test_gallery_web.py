"""The gallery's web pieces on their own: the rate limit, the attachment policy (never an open
proxy), the client address behind a proxy, the cover image, the template filters and the
consent rules' small helpers."""

from __future__ import annotations

import io
import string

from aiohttp.test_utils import make_mocked_request
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.services.gallery import ANONYMOUS, author_credit, valid_month
from bot.web import AttachmentPolicy, RateLimiter, default_public_url
from bot.web.cover import COVER_SIZE, genre_palette, render_cover
from bot.web.render import build_environment, colour, paragraphs, text_colour
from bot.web.security import client_address


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limit_allows_a_burst_then_refills_per_address() -> None:
    clock = Ticker()
    limiter = RateLimiter(rate=1.0, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.allow("a") > 0  # the fourth at once waits
    assert limiter.allow("b") == 0.0  # another address has its own bucket
    clock.now = 1.0
    assert limiter.allow("a") == 0.0
    assert limiter.allow("a") > 0


def test_the_rate_limit_keeps_a_bounded_number_of_buckets() -> None:
    limiter = RateLimiter(rate=1.0, burst=1, max_keys=10, clock=Ticker())
    for number in range(1000):
        limiter.allow(f"10.0.{number // 256}.{number % 256}")
    assert len(limiter._buckets) == 10


def test_only_images_on_discords_cdn_are_proxied() -> None:
    policy = AttachmentPolicy()
    cdn = "https://cdn.discordapp.com/attachments/1/2/sketch.png?ex=1"
    assert policy.image_type(cdn, "sketch.png") == "image/png"
    media = "https://media.discordapp.net/attachments/1/2/a.JPG"
    assert policy.image_type(media, "a.JPG") == "image/jpeg"
    assert policy.image_type(cdn.replace("cdn.", "media."), "a.png") is None  # .com: no
    refused = [
        ("http://cdn.discordapp.com/a.png", "a.png"),  # not https
        ("https://evil.example/a.png", "a.png"),
        ("https://cdn.discordapp.com.evil.example/a.png", "a.png"),
        ("https://user:pw@cdn.discordapp.com/a.png", "a.png"),
        ("https://cdn.discordapp.com/a.svg", "a.svg"),  # SVG can carry script
        ("https://cdn.discordapp.com/a.html", "a.html"),
        ("https://cdn.discordapp.com/a", None),
        (None, "a.png"),
        ("https://cdn.discordapp.com/" + "a" * 3000 + ".png", "a.png"),
    ]
    for url, name in refused:
        assert policy.image_type(url, name) is None, url
    assert policy.is_link("https://example.org/work.pdf")
    assert not policy.is_link("javascript:alert(1)")
    assert not policy.is_link("data:text/html,hi")


def test_forwarded_for_is_trusted_only_from_a_proxy_on_a_local_address() -> None:
    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    local = make_mocked_request("GET", "/", headers=headers)
    local._transport_peername = ("127.0.0.1", 5000)  # type: ignore[attr-defined]
    assert client_address(local) == "198.51.100.7"  # the proxy's own entry comes last
    remote = make_mocked_request("GET", "/", headers=headers)
    remote._transport_peername = ("8.8.8.8", 5000)  # type: ignore[attr-defined]
    assert client_address(remote) == "8.8.8.8"
    container = make_mocked_request("GET", "/", headers=headers)
    container._transport_peername = ("172.17.0.1", 5000)  # type: ignore[attr-defined]
    assert client_address(container) == "198.51.100.7"  # Docker's bridge: a local proxy
    junk = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "not an address"})
    junk._transport_peername = ("127.0.0.1", 5000)  # type: ignore[attr-defined]
    assert client_address(junk) == "127.0.0.1"


def test_the_default_public_url() -> None:
    assert default_public_url("127.0.0.1", 8090) == "http://127.0.0.1:8090"
    assert default_public_url("0.0.0.0", 8090) == "http://127.0.0.1:8090"
    assert default_public_url("::1", 8090) == "http://[::1]:8090"
    assert default_public_url("muse.internal", 80) == "http://muse.internal:80"


# Drawing a cover takes tens of milliseconds; on a loaded machine more than hypothesis's default
# deadline, which measures the machine rather than the property.
@settings(deadline=None, max_examples=40)
@given(st.text(max_size=300), st.text(max_size=120))
def test_every_title_and_genre_gets_a_cover(title: str, genre: str) -> None:
    png = render_cover(title, genre)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == COVER_SIZE and image.format == "PNG"


def test_covers_follow_the_genre() -> None:
    assert genre_palette("horror") != genre_palette("comedy")
    assert genre_palette("Cosy mystery") == genre_palette("cosy mystery")
    assert render_cover("The Lighthouse", "mystery") == render_cover("The Lighthouse", "mystery")


def test_templates_escape_member_text_everywhere() -> None:
    env = build_environment()
    assert env.autoescape is True
    hostile = '<script>alert("x")</script>'
    page = env.get_template("not_found.html").render(indexable=False, base=None)
    assert 'name="robots" content="noindex' in page
    lyric = env.from_string("{{ t|one_line }} {% for p in t|paragraphs %}{{ p }}{% endfor %}")
    out = lyric.render(t=hostile)
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_swatch_colours_are_only_hex() -> None:
    assert colour("#a0b1c2") == "#A0B1C2"
    assert colour('red" onload="x') == "#808080"
    assert text_colour("#FFFFFF") == "#111111" and text_colour("#000000") == "#FFFFFF"


def test_paragraphs_keep_text_and_drop_controls() -> None:
    assert paragraphs("one\n\n\ntwo  words\x00") == ["one", "two words"]
    assert paragraphs(None) == []


@given(st.text(alphabet=string.digits + "-", max_size=12))
def test_months_are_strict(text: str) -> None:
    if valid_month(text):
        year, month = text.split("-")
        assert len(year) == 4 and 1 <= int(month) <= 12


def test_month_pattern_examples_and_credits() -> None:
    assert valid_month("2026-05") and not valid_month("2026-13") and not valid_month("2026-5")
    assert not valid_month("2026-05\n") and not valid_month("x" * 10_000)
    assert author_credit(None) == ANONYMOUS
    assert author_credit("  Ana\u202e ") == "Ana"
