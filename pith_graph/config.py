"""Settings, read once from the environment and validated at start-up.

| variable | meaning | default |
| --- | --- | --- |
| ``NEO4J_URI`` | Bolt URI of an existing Neo4j 5 (``bolt://``, ``neo4j://``, ``neo4j+s://``); unset means "start the local launcher" | unset |
| ``NEO4J_USER`` / ``NEO4J_PASSWORD`` | credentials for ``NEO4J_URI`` | ``neo4j`` / unset |
| ``NEO4J_DATABASE`` | database name | ``neo4j`` |
| ``PITH_DATA_DIR`` | registry data: signing keys, the local Neo4j store | ``./.pith`` |
| ``PITH_HOST`` / ``PITH_PORT`` | where the API listens | ``127.0.0.1`` / ``8000`` |
| ``PITH_BASE_URL`` | public base URL written into records' links | ``http://HOST:PORT`` |
| ``PITH_NEO4J_PORT`` | Bolt port of the local launcher | ``7687`` |
| ``PITH_NEO4J_HEAP`` / ``PITH_NEO4J_PAGE_CACHE`` | memory of the local launcher | ``4g`` / ``4g`` |
| ``PITH_AUTH`` | ``required``: every mutation needs a bearer API token (``pith-graph tokens``); ``off``: writes are open (development only) | ``required`` |
| ``PITH_CORS_ORIGINS`` | comma-separated origins allowed to call the API from a browser (``*`` for any; reads only carry no credentials) | none |
| ``PITH_MAX_BODY_BYTES`` | largest request body accepted (larger: 413) | ``1048576`` |
| ``PITH_GRAPHQL_INTROSPECTION`` | GraphQL introspection (``__schema``) allowed | ``1`` |
| ``PITH_QUERY_TIMEOUT`` | seconds one database transaction of a request may run | ``30`` |
| ``PITH_MAX_QUERY_DEPTH`` / ``PITH_MAX_ALIASES`` / ``PITH_MAX_QUERY_TOKENS`` | GraphQL document limits (refused before any database access) | ``12`` / ``30`` / ``2000`` |
| ``PITH_MAX_QUERY_NODES`` | most nodes one GraphQL request may ask for: the sum over list fields of the product of the page sizes (``first``, ``limit``, list lengths such as ``resolveMany``'s aliases) along the path; larger requests are refused with ``QUERY_TOO_COMPLEX`` before any database access | ``50000`` |
| ``PITH_RATE_LIMIT`` | budget of each client (API token, else IP) in cost units per window, e.g. ``1200/minute``; ``off`` | ``1200/minute`` |
| ``PITH_RATE_LIMIT_LOOPBACK`` | also limit clients on the loopback address (exempt by default, for development) | ``0`` |
| ``PITH_RESPONSE_CACHE_SECONDS`` | keep answers to GraphQL GET requests this long (any write on the host invalidates them); ``0`` = off | ``0`` |
| ``PITH_SIGNING_KEY`` / ``PITH_SIGNING_KEY_ID`` | the registry's signing seed (hex/base64) and key id, instead of ``$PITH_DATA_DIR/keys`` | unset |
| ``PITH_HARVEST_INTERVAL`` | ``serve`` harvests arXiv every so many seconds (``3600``, or ``30m``, ``6h``, ``1d``); ``0``/unset: never | off |
| ``PITH_HARVEST_ENDPOINT`` | the OAI-PMH endpoint ``harvest arxiv`` reads | ``https://oaipmh.arxiv.org/oai`` |
| ``PITH_HARVEST_DELAY`` | seconds between two OAI-PMH requests | ``3`` |
| ``PITH_HARVEST_CONTACT`` | an e-mail address added to the harvester's User-Agent | unset |
| ``PITH_LOG_ORIGIN`` | the transparency log's origin line (and checkpoint key name) | host[:port] of the base URL |
| ``PITH_WITNESS_NAME`` | this registry's name as a witness (cosignature key name) | ``<log origin>/witness`` |
| ``PITH_LOG_INTERVAL`` | seconds between two integrations of new log entries into tiles and a checkpoint | ``1`` |
| ``PITH_MIRROR_ORIGIN`` | ``serve`` follows the registry at this base URL (``pith-graph mirror follow``, in the background) | off |
| ``PITH_MIRROR_INTERVAL`` | seconds between two syncs of ``PITH_MIRROR_ORIGIN`` (``30``, ``5m``) | ``60`` |
| ``PITH_MIRROR_ORIGIN_KEY`` | the origin's Ed25519 public key (64 hex) to trust on first contact, instead of trust on first use | unset |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from limits import parse as parse_rate

__all__ = ["ConfigError", "Settings"]


class ConfigError(ValueError):
    """A setting has a value the service cannot run with; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, *, low: int = 1, high: int = 65535) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is outside {low}..{high}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float, *, low: float = 0.1) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from exc
    if not low <= value <= 3600:
        raise ConfigError(f"{name}={value} is outside {low:g}..3600 seconds")
    return value


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(name: str, raw: str, low: float, low_text: str) -> float:
    """Seconds, or a number with a unit (``30m``, ``6h``, ``1d``), from ``low`` to 30 days."""
    unit = _UNITS.get(raw[-1])
    try:
        value = float(raw[:-1] if unit else raw) * (unit or 1)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a duration (3600, 30m, 6h, 1d)") from exc
    if not low <= value <= 30 * 86400:
        raise ConfigError(f"{name}={raw!r} is outside {low_text}..30 days")
    return value


def _interval(env: Mapping[str, str], name: str) -> float:
    """A duration of at least a minute; 0 or unset means off."""
    raw = env.get(name, "").strip().lower()
    if not raw or raw in {"0", "off"}:
        return 0.0
    return _duration(name, raw, 60, "1 minute")


def _mirror_origin(env: Mapping[str, str]) -> str | None:
    raw = env.get("PITH_MIRROR_ORIGIN", "").strip().rstrip("/")
    if not raw or raw.lower() == "off":
        return None
    if not raw.startswith(("http://", "https://")) or len(raw) > 2000:
        raise ConfigError(f"PITH_MIRROR_ORIGIN={raw[:100]!r} is not an http(s) base URL")
    return raw


def _mirror_interval(env: Mapping[str, str]) -> float:
    raw = env.get("PITH_MIRROR_INTERVAL", "").strip().lower()
    return _duration("PITH_MIRROR_INTERVAL", raw, 0.1, "0.1 s") if raw else 60.0


def _mirror_origin_key(env: Mapping[str, str]) -> str | None:
    raw = env.get("PITH_MIRROR_ORIGIN_KEY", "").strip().lower()
    if not raw:
        return None
    if len(raw) != 64 or any(c not in "0123456789abcdef" for c in raw):
        raise ConfigError("PITH_MIRROR_ORIGIN_KEY is an Ed25519 public key: 64 hex characters")
    return raw


def _auth(env: Mapping[str, str]) -> bool:
    raw = env.get("PITH_AUTH", "").strip().lower() or "required"
    if raw not in {"required", "off"}:
        raise ConfigError(f"PITH_AUTH={raw!r}: use 'required' or 'off'")
    return raw == "required"


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("PITH_CORS_ORIGINS", "")
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ConfigError(f"PITH_CORS_ORIGINS: {origin!r} is not an http(s) origin or '*'")
    return origins


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


def _log_origin(env: Mapping[str, str], name: str = "PITH_LOG_ORIGIN") -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    if any(c.isspace() or c == "+" for c in raw) or len(raw) > 200:
        raise ConfigError(f"{name}={raw!r}: a note key name has no spaces and no '+'")
    return raw


def _rate_limit(env: Mapping[str, str]) -> str:
    raw = env.get("PITH_RATE_LIMIT", "").strip() or "1200/minute"
    if raw.lower() in ("off", "0", "none"):
        return "off"
    try:
        parse_rate(raw)
    except ValueError as exc:
        raise ConfigError(
            f"PITH_RATE_LIMIT={raw!r} is not a rate (e.g. 1200/minute, 50/second, or off)"
        ) from exc
    return raw


def _seconds_or_off(env: Mapping[str, str], name: str) -> float:
    raw = env.get(name, "").strip()
    if raw in ("", "0", "off"):
        return 0.0
    return _seconds(env, name, 0.0)


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, parsed once."""

    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    data_dir: Path = field(default_factory=lambda: Path(".pith"))
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    base_url: str | None = None
    local_neo4j_host: str = "127.0.0.1"
    local_neo4j_port: int = 7687
    local_neo4j_heap: str = "4g"
    local_neo4j_page_cache: str = "4g"
    local_neo4j_apoc: bool = False
    migrate_on_start: bool = True
    load_demo_on_start: bool = False
    # Security and limits: safe by default (writes need a token, no cross-origin callers).
    auth_required: bool = True
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 1024 * 1024
    graphql_introspection: bool = True
    query_timeout: float = 30.0
    max_query_depth: int = 12
    max_aliases: int = 30
    max_query_tokens: int = 2000
    max_query_nodes: int = 50_000
    # OAI-PMH harvesting (pith-graph harvest; serve's schedule, off when 0).
    harvest_interval: float = 0.0
    harvest_endpoint: str = "https://oaipmh.arxiv.org/oai"
    harvest_delay: float = 3.0
    harvest_contact: str | None = None
    log_origin_setting: str | None = None
    log_interval: float = 1.0
    witness_name_setting: str | None = None
    # Following another registry from serve (off when mirror_origin is None).
    mirror_origin: str | None = None
    mirror_interval: float = 60.0
    mirror_origin_key: str | None = None
    # The HTTP edge: rate limits per client and cost (loopback clients are exempt unless
    # rate_limit_loopback), and an optional cache of GraphQL GET answers (0 = off).
    rate_limit: str = "1200/minute"
    rate_limit_loopback: bool = False
    response_cache_seconds: float = 0.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        uri = env.get("NEO4J_URI", "").strip() or None
        if uri is not None and not uri.startswith(
            ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        ):
            raise ConfigError(f"NEO4J_URI={uri!r} is not a Bolt URI (bolt://, neo4j://, neo4j+s://)")
        return cls(
            neo4j_uri=uri,
            neo4j_user=env.get("NEO4J_USER", "").strip() or "neo4j",
            neo4j_password=env.get("NEO4J_PASSWORD") or None,
            neo4j_database=env.get("NEO4J_DATABASE", "").strip() or "neo4j",
            data_dir=Path(env.get("PITH_DATA_DIR", "").strip() or ".pith"),
            host=env.get("PITH_HOST", "").strip() or "127.0.0.1",
            port=_int(env, "PITH_PORT", 8000),
            workers=_int(env, "PITH_WORKERS", 1, low=1, high=64),
            base_url=(env.get("PITH_BASE_URL", "").strip().rstrip("/") or None),
            local_neo4j_host=env.get("PITH_NEO4J_HOST", "").strip() or "127.0.0.1",
            local_neo4j_port=_int(env, "PITH_NEO4J_PORT", 7687),
            local_neo4j_heap=env.get("PITH_NEO4J_HEAP", "").strip() or "4g",
            local_neo4j_page_cache=env.get("PITH_NEO4J_PAGE_CACHE", "").strip() or "4g",
            local_neo4j_apoc=_flag(env, "PITH_NEO4J_APOC", False),
            migrate_on_start=_flag(env, "PITH_MIGRATE_ON_START", True),
            load_demo_on_start=_flag(env, "PITH_LOAD_DEMO", False),
            auth_required=_auth(env),
            cors_origins=_origins(env),
            max_body_bytes=_int(env, "PITH_MAX_BODY_BYTES", 1024 * 1024, low=1024, high=1 << 30),
            graphql_introspection=_flag(env, "PITH_GRAPHQL_INTROSPECTION", True),
            query_timeout=_seconds(env, "PITH_QUERY_TIMEOUT", 30.0),
            max_query_depth=_int(env, "PITH_MAX_QUERY_DEPTH", 12, high=1000),
            max_aliases=_int(env, "PITH_MAX_ALIASES", 30, high=10000),
            max_query_tokens=_int(env, "PITH_MAX_QUERY_TOKENS", 2000, low=10, high=1_000_000),
            max_query_nodes=_int(env, "PITH_MAX_QUERY_NODES", 50_000, high=100_000_000),
            harvest_interval=_interval(env, "PITH_HARVEST_INTERVAL"),
            harvest_endpoint=env.get("PITH_HARVEST_ENDPOINT", "").strip()
            or "https://oaipmh.arxiv.org/oai",
            harvest_delay=_seconds(env, "PITH_HARVEST_DELAY", 3.0, low=0),
            harvest_contact=env.get("PITH_HARVEST_CONTACT", "").strip() or None,
            log_origin_setting=_log_origin(env),
            log_interval=_seconds(env, "PITH_LOG_INTERVAL", 1.0),
            witness_name_setting=_log_origin(env, "PITH_WITNESS_NAME"),
            mirror_origin=_mirror_origin(env),
            mirror_interval=_mirror_interval(env),
            mirror_origin_key=_mirror_origin_key(env),
            rate_limit=_rate_limit(env),
            rate_limit_loopback=_flag(env, "PITH_RATE_LIMIT_LOOPBACK", False),
            response_cache_seconds=_seconds_or_off(env, "PITH_RESPONSE_CACHE_SECONDS"),
        )

    @property
    def public_base_url(self) -> str:
        return self.base_url or f"http://{self.host}:{self.port}"

    @property
    def log_origin(self) -> str:
        """The log's origin: ``PITH_LOG_ORIGIN``, else the base URL's host[:port] and path."""
        if self.log_origin_setting:
            return self.log_origin_setting
        url = self.public_base_url
        return url.split("://", 1)[-1].rstrip("/") or "pith-graph"

    @property
    def witness_name(self) -> str:
        """This registry's cosigner name: ``PITH_WITNESS_NAME``, else ``<log origin>/witness``."""
        return self.witness_name_setting or f"{self.log_origin}/witness"

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @property
    def local_neo4j_dir(self) -> Path:
        return self.data_dir / "neo4j"

    def with_neo4j_uri(self, uri: str) -> Settings:
        return replace(self, neo4j_uri=uri)

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        if self.neo4j_password is None:
            return None
        return (self.neo4j_user, self.neo4j_password)
