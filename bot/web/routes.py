"""The gallery's pages and files, under ``/g/{token}/``.

Every handler first resolves the token to a server whose gallery is on; any other token, a
record of another server, or a work that is not shared now all answer the same 404 page, so a
token can't be probed and a private work can't be told from a missing one.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
from aiohttp import web
from jinja2 import Environment

from bot.services.bounds import record_id
from bot.services.gallery import GalleryConfig, SharedSubmission
from bot.services.gallery.service import GalleryService

from .attachments import AttachmentPolicy, fetch_image
from .cover import render_cover

__all__ = ["GalleryRoutes"]

_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
SEARCH_INPUT_LIMIT = 200


def _download(data: bytes, filename: str, content_type: str) -> web.Response:
    safe = _FILENAME.sub("-", filename).strip("-.")[:80] or "download"
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def _tagged(response: web.Response, config: GalleryConfig) -> web.Response:
    """Every answer of a gallery, files included, says noindex unless it is public."""
    if not config.indexable:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


class GalleryRoutes:
    def __init__(
        self,
        gallery: GalleryService,
        env: Environment,
        policy: AttachmentPolicy,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self._gallery = gallery
        self._env = env
        self._policy = policy
        self._session = session

    def attach_session(self, session: aiohttp.ClientSession | None) -> None:
        self._session = session

    def routes(self) -> list[web.RouteDef]:
        page = "/g/{token}"
        return [
            web.get(f"{page}/", self.home),
            web.get(f"{page}/stories/{{id}}", self.story),
            web.get(f"{page}/stories/{{id}}/cover.png", self.cover),
            web.get(f"{page}/stories/{{id}}/book.{{ext}}", self.book),
            web.get(f"{page}/potd", self.months),
            web.get(f"{page}/potd/{{month}}", self.month),
            web.get(f"{page}/attachments/{{id}}", self.attachment),
            web.get(f"{page}/lyrics", self.lyrics),
            web.get(f"{page}/lyrics/{{id}}", self.lyric),
            web.get(f"{page}/lyrics/{{id}}/song.mid", self.midi),
            web.get(f"{page}/palettes", self.palettes),
            web.get(f"{page}/search", self.search),
            web.get(f"{page}/members", self.members),
            web.get(f"{page}/members/{{id}}", self.member),
        ]

    # -- helpers -----------------------------------------------------------------------------

    async def _config(self, request: web.Request) -> GalleryConfig:
        config = await self._gallery.resolve(request.match_info["token"])
        if config is None:
            raise self.not_found()
        return config

    def not_found(self) -> web.HTTPNotFound:
        body = self._env.get_template("not_found.html").render(indexable=False, base=None)
        return web.HTTPNotFound(text=body, content_type="text/html")

    def _id(self, request: web.Request) -> int:
        found = record_id(request.match_info["id"])
        if found is None:
            raise self.not_found()
        return found

    def _page(self, template: str, config: GalleryConfig, **context: Any) -> web.Response:
        base = f"/g/{config.token}"
        body = self._env.get_template(template).render(
            base=base, indexable=config.indexable, **context
        )
        return _tagged(web.Response(text=body, content_type="text/html", charset="utf-8"), config)

    def _shown(self, submission: SharedSubmission) -> dict[str, Any]:
        image = self._policy.image_type(submission.attachment_url, submission.attachment_name)
        link = (
            submission.attachment_url if self._policy.is_link(submission.attachment_url) else None
        )
        return {"s": submission, "image": image is not None, "link": link}

    # -- pages -------------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        pages = self._gallery.pages
        return self._page(
            "home.html",
            config,
            stories=await pages.stories(config.guild_id),
            months=(await pages.months(config.guild_id))[:6],
        )

    async def story(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        view = await self._gallery.pages.story(config.guild_id, self._id(request))
        if view is None:
            raise self.not_found()
        return self._page("story.html", config, view=view)

    async def cover(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        view = await self._gallery.pages.story(config.guild_id, self._id(request))
        if view is None:
            raise self.not_found()
        png = await asyncio.to_thread(render_cover, view.title, view.story.genre)
        return _tagged(web.Response(body=png, content_type="image/png"), config)

    async def book(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        ext = request.match_info["ext"]
        if ext not in ("epub", "md"):
            raise self.not_found()
        files = await self._gallery.pages.book(config.guild_id, self._id(request))
        wanted = next((f for f in files if f.filename.endswith(f".{ext}")), None)
        if wanted is None:
            raise self.not_found()
        content_type = "text/markdown" if ext == "md" else wanted.content_type
        return _tagged(_download(wanted.data, wanted.filename, content_type), config)

    async def months(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        return self._page(
            "potd_index.html", config, months=await self._gallery.pages.months(config.guild_id)
        )

    async def month(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        month = request.match_info["month"]
        prompts = await self._gallery.pages.month(config.guild_id, month)
        if prompts is None:
            raise self.not_found()
        shown = [(p.prompt, [self._shown(s) for s in p.submissions]) for p in prompts]
        return self._page("potd_month.html", config, month=month, prompts=shown)

    async def attachment(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        submission = await self._gallery.pages.submission(config.guild_id, self._id(request))
        if submission is None or submission.attachment_url is None or self._session is None:
            raise self.not_found()
        kind = self._policy.image_type(submission.attachment_url, submission.attachment_name)
        if kind is None:
            raise self.not_found()
        image = await fetch_image(self._session, submission.attachment_url, kind)
        if image is None:
            raise web.HTTPBadGateway(text="The image could not be loaded from Discord.")
        return _tagged(web.Response(body=image.data, content_type=image.content_type), config)

    async def lyrics(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        return self._page(
            "lyrics_list.html", config, lyrics=await self._gallery.pages.lyrics(config.guild_id)
        )

    async def lyric(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        found = await self._gallery.pages.lyric(config.guild_id, self._id(request))
        if found is None:
            raise self.not_found()
        return self._page("lyric.html", config, lyric=found[0])

    async def midi(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        found = await self._gallery.pages.lyric(config.guild_id, self._id(request))
        if found is None:
            raise self.not_found()
        return _tagged(_download(found[1], f"lyric-{found[0].id}.mid", "audio/midi"), config)

    async def palettes(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        return self._page(
            "palettes.html", config, palettes=await self._gallery.pages.palettes(config.guild_id)
        )

    async def search(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        query = request.query.get("q", "")[:SEARCH_INPUT_LIMIT]
        hits = await self._gallery.pages.search(config.guild_id, query) if query.strip() else []
        return self._page("search.html", config, query=query, hits=hits)

    async def members(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        return self._page(
            "members.html", config, members=await self._gallery.pages.members(config.guild_id)
        )

    async def member(self, request: web.Request) -> web.Response:
        config = await self._config(request)
        page = await self._gallery.pages.member(config.guild_id, self._id(request))
        if page is None:
            raise self.not_found()
        return self._page("member.html", config, page=page)
