"""Request body limit (``PITH_MAX_BODY_BYTES``): larger bodies get a JSON 413 and are not read.

A declared ``Content-Length`` over the limit is refused before the body is read; a body that
streams past the limit (chunked, or lying about its length) is cut off as soon as it does.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pith_graph.http.errors import http_error

__all__ = ["BodySizeLimit"]


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _refusal(self) -> object:
        return http_error(
            413,
            "TOO_LARGE",
            f"the request body is larger than {self.max_bytes} bytes (PITH_MAX_BODY_BYTES)",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                too_large = False  # the server itself refuses a malformed length
            if too_large:
                await self._refusal()(scope, receive, send)  # type: ignore[operator]
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if started:
                raise
            await self._refusal()(scope, receive, send)  # type: ignore[operator]
