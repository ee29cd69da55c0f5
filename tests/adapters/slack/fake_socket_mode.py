"""A fake Socket Mode server on 127.0.0.1: sends envelopes over a WebSocket, checks the acks."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

ACK_SECONDS = 3.0


@dataclass(frozen=True)
class Ack:
    envelope_id: str
    payload: dict[str, Any] | None
    seconds: float


class FakeSocketMode:
    """One WebSocket endpoint; `send()` pushes an envelope, `ack()` waits for its answer."""

    def __init__(self) -> None:
        self.port = 0
        self.connections = 0
        self.connected = asyncio.Event()
        self.acks: dict[str, Ack] = {}
        self.unknown: list[dict[str, Any]] = []
        self._sent_at: dict[str, float] = {}
        self._waiting: dict[str, asyncio.Future[Ack]] = {}
        self._socket: web.WebSocketResponse | None = None
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/link/?ticket=test"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/link/", self._link)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._socket = socket
        self.connections += 1
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": "A1"},
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
            }
        )
        self.connected.set()
        async for frame in socket:
            if frame.type != WSMsgType.TEXT:
                continue
            data = json.loads(frame.data)
            envelope_id = data.get("envelope_id")
            if envelope_id not in self._sent_at:
                self.unknown.append(data)
                continue
            ack = Ack(
                envelope_id, data.get("payload"), time.monotonic() - self._sent_at[envelope_id]
            )
            if envelope_id in self.acks:
                self.unknown.append(data)  # a second ack of the same envelope
                continue
            self.acks[envelope_id] = ack
            waiter = self._waiting.get(envelope_id)
            if waiter is not None and not waiter.done():
                waiter.set_result(ack)
        return socket

    async def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        accepts_response_payload: bool = False,
    ) -> str:
        """Sends an envelope (`slash_commands`, `events_api`, `interactive`); returns its id."""
        await asyncio.wait_for(self.connected.wait(), ACK_SECONDS)
        assert self._socket is not None
        envelope_id = f"env-{next(self._ids)}"
        self._sent_at[envelope_id] = time.monotonic()
        self._waiting[envelope_id] = asyncio.get_running_loop().create_future()
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        await self._socket.send_json(envelope)
        return envelope_id

    async def ack(self, envelope_id: str) -> Ack:
        """The ack of an envelope; fails the test unless it arrives within Slack's 3 seconds."""
        ack = await asyncio.wait_for(self._waiting[envelope_id], ACK_SECONDS)
        assert ack.seconds < ACK_SECONDS
        return ack
