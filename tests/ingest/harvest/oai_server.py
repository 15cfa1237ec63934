"""A small OAI-PMH endpoint on a loopback port, started by the tests (a real HTTP server).

It serves either recorded responses verbatim (one per set) or ``ListRecords`` over a list of
records: ``from``/``until``/``set`` filters on the datestamps, pages of ``page_size`` records with
resumption tokens, ``noRecordsMatch``, ``badResumptionToken``. Faults are scripted per page
(the page's index within its list): a ``503`` with ``Retry-After``, a malformed page, or a pause
until the test releases it (to kill a harvester in the middle of a run).
"""

from __future__ import annotations

import base64
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape, quoteattr

OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ '
    'http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
    "<responseDate>2026-12-07T00:00:00Z</responseDate>"
)


def _el(name: str, value: Any) -> str:
    return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"


def arxiv_raw_metadata(obj: Mapping[str, Any]) -> str:
    """An ``arXivRaw`` metadata element for a snapshot object (arXiv's own field order)."""
    parts = [_el("id", obj["id"]), _el("submitter", obj.get("submitter"))]
    for v in obj["versions"]:
        parts.append(
            f'<version version={quoteattr(v["version"])}>{_el("date", v["created"])}'
            f'{_el("size", v.get("size", "10kb"))}<source_type>D</source_type></version>'
        )
    for name in ("title", "authors", "categories", "comments", "report-no", "journal-ref",
                 "doi", "license", "abstract"):
        parts.append(_el(name, obj.get(name)))
    return (
        '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">'
        + "".join(parts)
        + "</arXivRaw>"
    )


@dataclass(frozen=True)
class ServedRecord:
    identifier: str
    datestamp: str
    sets: tuple[str, ...] = ()
    metadata: str | None = None  # None: a deleted record

    def xml(self) -> str:
        status = "" if self.metadata is not None else ' status="deleted"'
        head = (
            f"<header{status}><identifier>{escape(self.identifier)}</identifier>"
            f"<datestamp>{self.datestamp}</datestamp>"
            + "".join(f"<setSpec>{escape(s)}</setSpec>" for s in self.sets)
            + "</header>"
        )
        body = f"<metadata>{self.metadata}</metadata>" if self.metadata is not None else ""
        return f"<record>{head}{body}</record>"


def served(obj: Mapping[str, Any], datestamp: str, sets: Iterable[str] = ()) -> ServedRecord:
    return ServedRecord(f"oai:arXiv.org:{obj['id']}", datestamp, tuple(sets), arxiv_raw_metadata(obj))


def deleted(arxiv_id: str, datestamp: str) -> ServedRecord:
    return ServedRecord(f"oai:arXiv.org:{arxiv_id}", datestamp)


@dataclass
class OaiServer:
    records: list[ServedRecord] = field(default_factory=list)
    page_size: int = 10
    static: dict[str | None, bytes] = field(default_factory=dict)
    # page index -> faults served, in order, before the page itself: ("503", retry_after),
    # ("malformed",), ("block",)
    faults: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    forget_tokens: bool = False

    def __post_init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.blocked = threading.Event()  # set when a ("block",) fault is reached
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._served_faults: dict[int, int] = defaultdict(int)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/oai"

    def __enter__(self) -> OaiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()

    # -- handling ---------------------------------------------------------------------------

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes,
              headers: Mapping[str, str] = {}) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "text/xml; charset=utf-8")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _error(self, code: str, text: str) -> bytes:
        return (OAI_HEAD + f'<request>x</request><error code="{code}">{escape(text)}</error>'
                "</OAI-PMH>").encode()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        if urlparse(handler.path).path != "/oai":
            self._send(handler, 404, b"not here")
            return
        query = {k: v[-1] for k, v in parse_qs(urlparse(handler.path).query).items()}
        with self._lock:
            self.requests.append({"params": query, "user_agent": handler.headers.get("User-Agent")})
        if query.get("verb") != "ListRecords":
            self._send(handler, 200, self._error("badVerb", "only ListRecords here"))
            return
        if self.static:
            body = self.static.get(query.get("set"))
            if body is None:
                self._send(handler, 200, self._error("noRecordsMatch", "no such set"))
            else:
                self._send(handler, 200, body)
            return
        token = query.get("resumptionToken")
        if token is not None:
            if self.forget_tokens:
                self._send(handler, 200, self._error("badResumptionToken", "unknown token"))
                return
            args = json.loads(base64.urlsafe_b64decode(token))
        else:
            args = {k: query.get(k) for k in ("from", "until", "set", "metadataPrefix")}
            args["offset"] = 0
        matching = [
            r for r in self.records
            if (not args["from"] or r.datestamp >= args["from"])
            and (not args["until"] or r.datestamp <= args["until"])
            and (not args["set"] or args["set"] in r.sets)
        ]
        if not matching:
            self._send(handler, 200, self._error("noRecordsMatch", "nothing in that range"))
            return
        offset = args["offset"]
        page = offset // self.page_size
        with self._lock:
            scripted = self.faults.get(page, [])
            fault = scripted[self._served_faults[page]] if self._served_faults[page] < len(scripted) else None
            if fault is not None:
                self._served_faults[page] += 1
        if fault is not None and fault[0] == "503":
            self._send(handler, 503, b"busy", {"Retry-After": str(fault[1])})
            return
        if fault is not None and fault[0] == "block":
            self.blocked.set()
            self.release.wait(60)
        chunk = matching[offset : offset + self.page_size]
        rest = offset + self.page_size
        if rest < len(matching):
            nxt = base64.urlsafe_b64encode(json.dumps({**args, "offset": rest}).encode()).decode()
            tail = (f'<resumptionToken cursor="{offset}" completeListSize="{len(matching)}" '
                    f'expirationDate="2999-01-01T00:00:00Z">{nxt}</resumptionToken>')
        else:
            tail = f'<resumptionToken cursor="{offset}" completeListSize="{len(matching)}"/>'
        body = (OAI_HEAD + "<request verb=\"ListRecords\">x</request><ListRecords>"
                + "".join(r.xml() for r in chunk) + tail + "</ListRecords></OAI-PMH>").encode()
        if fault is not None and fault[0] == "malformed":
            body = body[: len(body) // 2]
        self._send(handler, 200, body)
