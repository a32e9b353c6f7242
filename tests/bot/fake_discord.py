"""A loopback fake Discord (REST + gateway on 127.0.0.1) for driving the *real* discord.py client.

Reusable test infrastructure (see ``../shared/docs/fake-discord.md`` for the protocol):

    async with FakeDiscord() as fake:          # starts the server, points discord.py at it
        async with running_bot(fake, config, service) as bot:   # tests/bot/harness.py
            await fake.send_mention("hello")   # MESSAGE_CREATE from a human, mentioning the bot
            reply = await fake.wait_for_request("POST", r"/channels/\\d+/messages")

It emulates what Discord enforces and discord.py does not (message-content blanking without the
intent, the 2,000-character and empty-message limits, one response per interaction within
3 seconds, echoing the bot's own messages back over the gateway), so bugs in those areas fail
here rather than in production. Unknown routes answer 400 and are recorded in ``unknown``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

log = logging.getLogger(__name__)

# 18-digit snowflakes: discord.py's mention regexes need 15-20 digits.
BOT_ID = 100000000000000001  # also the application id, as on real Discord
GUILD_ID = 200000000000000001
CHANNEL_ID = 300000000000000001  # #general
CHANNEL_2_ID = 300000000000000002  # #random
FORBIDDEN_CHANNEL_ID = 300000000000000003  # #announcements: @everyone may not send
MISSING_CHANNEL_ID = 300000000000000099  # not in the guild; GET/POST answer 404
DM_CHANNEL_ID = 500000000000000001
OWNER_ID = 400000000000000001  # owns the application (and the guild)
USER_ID = 400000000000000002  # an ordinary member
OTHER_BOT_ID = 400000000000000003

MESSAGE_CONTENT_INTENT = 1 << 15
SEND_MESSAGES = 1 << 11
#: @everyone: view channel, send messages, read history, use application commands.
EVERYONE_PERMISSIONS = (1 << 10) | SEND_MESSAGES | (1 << 16) | (1 << 31)
INTERACTION_DEADLINE = 3.0
EPHEMERAL = 1 << 6


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


def user(uid: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
    }


USERS = {
    BOT_ID: user(BOT_ID, "shitpostbot", bot=True),
    OWNER_ID: user(OWNER_ID, "owner"),
    USER_ID: user(USER_ID, "someone"),
    OTHER_BOT_ID: user(OTHER_BOT_ID, "otherbot", bot=True),
}


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """discord.py compares Content-Type to exactly ``application/json`` (no charset)."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


@dataclass
class Request:
    """One REST call the bot made, with its decoded JSON body and the status we answered."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)


@dataclass
class Injection:
    """Answer the next ``times`` requests matching ``method`` + ``pattern`` with this instead."""

    method: str
    pattern: str
    status: int
    body: Any
    headers: dict[str, str]
    times: int = 1


class FakeDiscord:
    """The fake server. Use as an async context manager; it patches and restores discord.py."""

    def __init__(self, *, heartbeat_interval_ms: int = 41250, resume: str = "refuse") -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.resume_policy = resume  # "refuse" (op 9 false -> new IDENTIFY) or "accept"
        self.requests: list[Request] = []
        self.unknown: list[Request] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes = 0
        self.connections = 0
        self.injections: list[Injection] = []
        self.port = 0
        self._ids = itertools.count(700000000000000001)
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._patches: list[tuple[Any, str, Any]] = []
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> state
        self._ws_tasks: set[asyncio.Task[Any]] = set()
        self.identified = asyncio.Event()

    # -- lifecycle -----------------------------------------------------------------------------
    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> int:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._patch(discord.http.Route, "BASE", f"http://127.0.0.1:{self.port}/api/v10")
        self._patch(
            discord.gateway.DiscordWebSocket,
            "DEFAULT_GATEWAY",
            yarl.URL(f"ws://127.0.0.1:{self.port}/gateway"),
        )
        return self.port

    def _patch(self, obj: Any, name: str, value: Any) -> None:
        self._patches.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    async def stop(self) -> None:
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        for obj, name, old in reversed(self._patches):
            setattr(obj, name, old)
        self._patches.clear()

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- observing -----------------------------------------------------------------------------
    async def _record(self, req: Request) -> None:
        self.requests.append(req)
        async with self._changed:
            self._changed.notify_all()

    def matching(self, method: str, pattern: str, since: int = 0) -> list[Request]:
        """Recorded requests (answered 2xx) whose method and path match, from index ``since``."""
        rx = re.compile(pattern)
        return [
            r
            for r in self.requests[since:]
            if r.method == method and rx.fullmatch(r.path) and r.status < 300
        ]

    async def wait_for_request(
        self, method: str, pattern: str, *, count: int = 1, since: int = 0, timeout: float = 10.0
    ) -> Request:
        """Wait until ``count`` matching 2xx requests were recorded; return the ``count``-th."""

        def ready() -> bool:
            return len(self.matching(method, pattern, since)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)
        return self.matching(method, pattern, since)[count - 1]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; re-checked on every recorded request/gateway event."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def messages(self, channel_id: int | None = None, since: int = 0) -> list[Request]:
        """Successful ``POST /channels/{id}/messages`` bodies, optionally for one channel."""
        cid = str(channel_id) if channel_id else r"\d+"
        pat = f"/channels/{cid}/messages"
        return self.matching("POST", pat, since)

    def inject(
        self,
        method: str,
        pattern: str,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        self.injections.append(Injection(method, pattern, status, body, headers or {}, times))

    def inject_rate_limit(self, pattern: str, retry_after: float = 0.2) -> None:
        """One bucket 429 on ``POST pattern``; the ``Via`` header marks it as Discord's, not
        Cloudflare's (without it discord.py raises instead of retrying)."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        headers = {"Via": "1.1 google", "Retry-After": str(retry_after)}
        self.inject("POST", pattern, 429, body, headers)

    # -- REST ------------------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        req = Request(request.method, path, dict(request.query), body)
        for inj in self.injections:
            if inj.times > 0 and inj.method == request.method and re.fullmatch(inj.pattern, path):
                inj.times -= 1
                req.status = inj.status
                await self._record(req)
                return json_response(inj.body, inj.status, inj.headers)
        resp = await self._route(req)
        req.status = resp.status
        await self._record(req)
        return resp

    async def _route(self, req: Request) -> web.StreamResponse:
        m, p = req.method, req.path
        if m == "GET" and p == "/users/@me":
            return json_response(USERS[BOT_ID])
        if m == "GET" and p == "/oauth2/applications/@me":
            return json_response(self._application())
        if m == "PUT" and (
            mt := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", p)
        ):
            return self._sync(req, mt.group(1), mt.group(2))
        if m == "POST" and (mt := re.fullmatch(r"/channels/(\d+)/typing", p)):
            return web.Response(status=204)
        if m == "GET" and (mt := re.fullmatch(r"/channels/(\d+)", p)):
            channel = self._channels().get(int(mt.group(1)))
            if channel is None:
                return json_response({"message": "Unknown Channel", "code": 10003}, 404)
            return json_response(channel)
        if m == "POST" and (mt := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return await self._create_message(req, int(mt.group(1)))
        if m == "POST" and (mt := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p)):
            return self._callback(req, mt.group(1), mt.group(2))
        if m == "POST" and (mt := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", p)):
            return self._followup(req, mt.group(2))
        if (mt := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/@original", p)) and m in (
            "GET",
            "PATCH",
            "DELETE",
        ):
            return self._original(req, mt.group(2))
        log.error("fake discord: unknown route %s %s", m, p)
        self.unknown.append(req)
        return json_response({"message": f"fake discord has no route {m} {p}", "code": 0}, 400)

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(BOT_ID),
            "name": "shitpostbot",
            "icon": None,
            "description": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": USERS[OWNER_ID],
            "verify_key": "0" * 64,
            "flags": 0,
        }

    def _sync(self, req: Request, app_id: str, guild_id: str | None) -> web.Response:
        out = []
        for i, cmd in enumerate(req.body or []):
            echoed = dict(cmd, id=str(800000000000000001 + i), application_id=app_id, version="1")
            if cmd.get("default_member_permissions") is not None:
                echoed["default_member_permissions"] = str(cmd["default_member_permissions"])
            if guild_id:
                echoed["guild_id"] = guild_id
            out.append(echoed)
        return json_response(out)

    def _message(self, channel_id: int, content: str, author: dict[str, Any], **extra: Any) -> dict:
        msg: dict[str, Any] = {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "content": content,
            "author": author,
            "attachments": [],
            "embeds": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": 0,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
        }
        if channel_id in self._channels():
            msg["guild_id"] = str(GUILD_ID)
        msg.update(extra)
        return msg

    async def _create_message(self, req: Request, channel_id: int) -> web.Response:
        channels = self._channels()
        if channel_id not in channels and channel_id != DM_CHANNEL_ID:
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        if channel_id == FORBIDDEN_CHANNEL_ID:
            return json_response({"message": "Missing Permissions", "code": 50013}, 403)
        body = req.body if isinstance(req.body, dict) else {}
        content = body.get("content") or ""
        if len(content) > 2000:
            return json_response(
                {
                    "message": "Invalid Form Body",
                    "code": 50035,
                    "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}},
                },
                400,
            )
        if not content.strip() and not body.get("embeds"):
            return json_response({"message": "Cannot send an empty message", "code": 50006}, 400)
        extra: dict[str, Any] = {}
        if body.get("message_reference"):
            extra = {"type": 19, "message_reference": body["message_reference"]}
        msg = self._message(channel_id, content, USERS[BOT_ID], **extra)
        # Real Discord echoes the bot's own message over the gateway: a bot that does not
        # ignore itself answers itself here too.
        self._spawn(
            self.dispatch(
                "MESSAGE_CREATE",
                dict(msg, member={"roles": [], "flags": 0, "joined_at": _now_iso()}),
            )
        )
        return json_response(msg)

    def _callback(self, req: Request, interaction_id: str, token: str) -> web.Response:
        state = self._interactions.get(token)
        if state is None:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        if state["responded"]:
            return json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        if time.monotonic() - state["created"] > INTERACTION_DEADLINE:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        state["responded"] = True
        body = req.body or {}
        kind = body.get("type")
        flags = (body.get("data") or {}).get("flags", 0)
        state["deferred"] = kind == 5
        return json_response(
            {
                "interaction": {
                    "id": interaction_id,
                    "type": 2,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(flags & EPHEMERAL),
                }
            }
        )

    def _followup(self, req: Request, token: str) -> web.Response:
        state = self._interactions.get(token)
        if state is None or not state["responded"]:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        body = req.body if isinstance(req.body, dict) else {}
        content = body.get("content") or ""
        if len(content) > 2000 or (not content.strip() and not body.get("embeds")):
            return json_response({"message": "Invalid Form Body", "code": 50035}, 400)
        state["deferred"] = False
        msg = self._message(
            int(state["channel_id"]),
            content,
            USERS[BOT_ID],
            webhook_id=str(BOT_ID),
            flags=body.get("flags", 0),
        )
        return json_response(msg)

    def _original(self, req: Request, token: str) -> web.StreamResponse:
        state = self._interactions.get(token)
        if state is None or not state["responded"]:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        if req.method == "DELETE":
            return web.Response(status=204)
        content = (req.body or {}).get("content", "") if isinstance(req.body, dict) else ""
        return json_response(self._message(int(state["channel_id"]), content or "", USERS[BOT_ID]))

    # -- gateway ---------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        async for frame in ws:
            if frame.type != WSMsgType.TEXT:
                continue
            payload = json.loads(frame.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_json({"op": 11})
            elif op == 2:
                self.identifies.append(payload["d"])
                self._seq = 0
                await self._send_ready(ws)
                self.identified.set()
                await self._notify()
            elif op == 6:
                self.resumes += 1
                if self.resume_policy == "accept":
                    await self._send(ws, "RESUMED", {})
                else:
                    await ws.send_json({"op": 9, "d": False})
                await self._notify()
        if self._ws is ws:
            self._ws = None
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def _send_ready(self, ws: web.WebSocketResponse) -> None:
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": USERS[BOT_ID],
                "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                "session_id": f"session-{self.connections}",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(BOT_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
            },
        )
        await self._send(ws, "GUILD_CREATE", self._guild())

    def _channels(self) -> dict[int, dict[str, Any]]:
        def channel(cid: int, name: str, pos: int, overwrites: list[Any]) -> dict[str, Any]:
            return {
                "id": str(cid),
                "type": 0,
                "name": name,
                "position": pos,
                "guild_id": str(GUILD_ID),
                "permission_overwrites": overwrites,
                "nsfw": False,
                "parent_id": None,
            }

        deny_send = [{"id": str(GUILD_ID), "type": 0, "allow": "0", "deny": str(SEND_MESSAGES)}]
        return {
            CHANNEL_ID: channel(CHANNEL_ID, "general", 0, []),
            CHANNEL_2_ID: channel(CHANNEL_2_ID, "random", 1, []),
            FORBIDDEN_CHANNEL_ID: channel(FORBIDDEN_CHANNEL_ID, "announcements", 2, deny_send),
        }

    def _guild(self) -> dict[str, Any]:
        def member(uid: int) -> dict[str, Any]:
            return {
                "user": USERS[uid],
                "roles": [],
                "flags": 0,
                "joined_at": _now_iso(),
                "deaf": False,
                "mute": False,
            }

        return {
            "id": str(GUILD_ID),
            "name": "test guild",
            "owner_id": str(OWNER_ID),
            "unavailable": False,
            "member_count": 4,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": str(EVERYONE_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": list(self._channels().values()),
            "threads": [],
            "members": [member(BOT_ID)],  # no members intent: only the bot itself is cached
            "voice_states": [],
            "presences": [],
            "joined_at": _now_iso(),
        }

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._ws_tasks.add(task)
        task.add_done_callback(self._ws_tasks.discard)

    @property
    def intents(self) -> int | None:
        """The intents of the latest IDENTIFY."""
        return self.identifies[-1]["intents"] if self.identifies else None

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send one dispatch (op 0) with the next sequence number over the current connection."""
        ws = self._ws
        if ws is None or ws.closed:
            raise RuntimeError("fake discord: no gateway connection to dispatch on")
        if event == "MESSAGE_CREATE":
            data = self._apply_content_intent(data)
        await self._send(ws, event, data)

    def _apply_content_intent(self, data: dict[str, Any]) -> dict[str, Any]:
        """Blank content like Discord does for bots without the message-content intent."""
        if (self.intents or 0) & MESSAGE_CONTENT_INTENT:
            return data
        is_dm = "guild_id" not in data
        mentions_bot = any(m.get("id") == str(BOT_ID) for m in data.get("mentions", []))
        from_bot = data.get("author", {}).get("id") == str(BOT_ID)
        if is_dm or mentions_bot or from_bot:
            return data
        return dict(data, content="", embeds=[], attachments=[])

    async def close_gateway(self, code: int = 4000) -> None:
        """Close the live websocket from the server side (4000 = resumable 'unknown error')."""
        if self._ws is not None:
            await self._ws.close(code=code)

    # -- event builders --------------------------------------------------------------------------
    def message_event(
        self,
        content: str,
        *,
        author_id: int = USER_ID,
        channel_id: int = CHANNEL_ID,
        mention_ids: tuple[int, ...] = (),
        mention_everyone: bool = False,
        mention_roles: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload from ``author_id``; DM if ``channel_id == DM_CHANNEL_ID``."""
        member = {"roles": [], "flags": 0, "joined_at": _now_iso()}
        msg = self._message(
            channel_id,
            content,
            USERS[author_id],
            mentions=[dict(USERS[i], member=member) for i in mention_ids],
            mention_everyone=mention_everyone,
            mention_roles=[str(r) for r in mention_roles],
        )
        if "guild_id" in msg:
            msg["member"] = member
        return msg

    async def send_message(self, content: str, **kwargs: Any) -> dict[str, Any]:
        data = self.message_event(content, **kwargs)
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    async def send_mention(self, text: str = "hello", **kwargs: Any) -> dict[str, Any]:
        """A human writes ``<@BOT> text``; returns the payload (its ``id`` is what a reply refs)."""
        kwargs.setdefault("mention_ids", (BOT_ID,))
        return await self.send_message(f"<@{BOT_ID}> {text}", **kwargs)

    def interaction_event(
        self,
        name: str,
        *,
        user_id: int = USER_ID,
        permissions: int = 0,
        options: list[dict[str, Any]] | None = None,
        channel_id: int = CHANNEL_ID,
    ) -> dict[str, Any]:
        iid = str(next(self._ids))
        token = f"itoken-{iid}"
        self._interactions[token] = {
            "created": time.monotonic(),
            "responded": False,
            "channel_id": str(channel_id),
        }
        return {
            "id": iid,
            "application_id": str(BOT_ID),
            "type": 2,
            "token": token,
            "version": 1,
            "guild_id": str(GUILD_ID),
            "channel_id": str(channel_id),
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "name": "general",
                "guild_id": str(GUILD_ID),
                "position": 0,
                "permission_overwrites": [],
            },
            "member": {
                "user": USERS[user_id],
                "roles": [],
                "flags": 0,
                "permissions": str(permissions),
                "joined_at": _now_iso(),
            },
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 8388608,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
            "data": {"id": "800000000000000001", "name": name, "type": 1, "options": options or []},
        }

    async def invoke(self, name: str, **kwargs: Any) -> dict[str, Any]:
        """Dispatch INTERACTION_CREATE for slash command ``name``; returns the payload."""
        data = self.interaction_event(name, **kwargs)
        await self.dispatch("INTERACTION_CREATE", data)
        return data

    def interaction_requests(self, data: dict[str, Any]) -> list[Request]:
        """Callback and follow-up requests answered 2xx for the interaction ``data``."""
        token = re.escape(data["token"])
        return [
            r
            for r in self.requests
            if r.status < 300
            and re.fullmatch(rf"/(interactions/\d+|webhooks/\d+)/{token}(/.*)?", r.path)
        ]
