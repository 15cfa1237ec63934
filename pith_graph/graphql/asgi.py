"""The ASGI GraphQL app (strawberry's, with this service's body checks, persisted queries and
response cache), building a :class:`~pith_graph.graphql.context.Context` per request.

A POST of a query document the schema has accepted before (:mod:`pith_graph.graphql.prepared`)
is answered on a short path: the kept syntax tree executed by graphql-core with the same
execution class, context, cost check, rate-limit charge, error codes and warnings as strawberry's
view and extensions give it, without their per-request machinery.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import ExecutionResult, GraphQLError, default_field_resolver, default_type_resolver
from graphql.execution.executor import UNEXPECTED_MULTIPLE_PAYLOADS
from graphql.execution.values import get_variable_values
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.execution import optimized_is_awaitable
from strawberry.http import GraphQLHTTPResponse
from strawberry.utils.await_maybe import await_maybe

from pith_graph.graphql.context import Context, set_request_context
from pith_graph.graphql.edge import charge
from pith_graph.graphql.errors import CodedErrors, PithSchema
from pith_graph.graphql.execution import PithExecution
from pith_graph.graphql.loaders import Loaders
from pith_graph.graphql.persisted import PersistedQueries, PersistedQueryError
from pith_graph.graphql.prepared import PreparedQuery
from pith_graph.graphql.schema import COSTS
from pith_graph.http.app_state import RegistryState
from pith_graph.http.caching import ResponseCache
from pith_graph.http.errors import http_error

__all__ = ["PithGraphQL"]


def _unencodable(value: object) -> bool:
    """True when a decoded JSON value holds a string that is not valid Unicode (a lone
    surrogate such as ``"\\ud800"``): it could be neither stored nor echoed back."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# Headers a replayed answer gets anew (its length and type) or must not repeat (its budget).
_NOT_REPLAYED = frozenset({b"content-length", b"content-type", b"ratelimit", b"ratelimit-policy"})

_HTTP_CODES = {400: "BAD_INPUT", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "TOO_LARGE"}

# The keys of a GraphQL-over-HTTP request body the short path understands.
_BODY_KEYS = frozenset({"query", "variables", "operationName", "extensions"})
# The codes and masking of the full path's error extension (it keeps no per-request state).
_CODED = CodedErrors()


def _json_post(scope: Scope) -> bool:
    """A POST of a JSON body asking for one JSON answer (not a multipart or event stream)."""
    if scope["method"] != "POST":
        return False
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    return (
        content_type.split(b";")[0].strip().lower() == b"application/json"
        and b"multipart" not in accept
        and b"event-stream" not in accept
    )


class PithGraphQL(GraphQL[Context, None]):
    """The ASGI GraphQL app, building a :class:`Context` per request.

    Request bodies that are not JSON, or hold strings that are not valid Unicode, are refused
    with a coded JSON error (strawberry's default is a plain-text 400).
    """

    def __init__(self, *args: Any, response_cache_seconds: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        max_nodes = self.schema.max_query_nodes if isinstance(self.schema, PithSchema) else None
        self._max_nodes: int | None = max_nodes
        self.persisted_queries = PersistedQueries()
        self.response_cache_seconds = response_cache_seconds
        self._response_cache: ResponseCache | None = None

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET that names a persisted query by its hash alone is a query, not a visit.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    def encode_json(self, data: object) -> str:
        # Text, not bytes: the WebSocket transports send what this returns as one text frame.
        try:
            return orjson.dumps(data).decode("utf-8")
        except TypeError:  # e.g. an integer beyond 64 bits inside a JSON scalar
            return json.dumps(data, ensure_ascii=False)

    @property
    def graphql_ide_html(self) -> str:
        # GraphiQL from the package's own files (strawberry's page loads them from a CDN).
        from pith_graph.http.graphiql import graphiql_page

        return graphiql_page()

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = super().decode_json(data)
        except json.JSONDecodeError:
            raise  # strawberry answers "Unable to parse request body as JSON"
        except (ValueError, RecursionError) as exc:
            # e.g. an integer of 10,000 digits, or arrays nested 100,000 deep
            raise HTTPException(400, "the request body is JSON this service does not accept") from exc
        if _unencodable(decoded):
            raise HTTPException(400, "the request holds a string that is not valid Unicode")
        return decoded

    async def parse_http_body(self, request: Any) -> Any:
        try:
            data = await super().parse_http_body(request)
        except (AttributeError, TypeError) as exc:
            # strawberry reads the body with ``data.get(...)``: a JSON body such as ``null``, ``1``
            # or ``"text"`` fails there and would otherwise be a 500.
            raise HTTPException(400, "the request body must be a JSON object {query, variables}") from exc
        for item in data if isinstance(data, list) else [data]:
            item.query = self.persisted_queries.resolve(item.query, item.extensions)
        return data

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        if _json_post(scope):
            prepared = await self._prepared_response(request)
            if prepared is not None:
                await prepared(scope, receive, send)
                return
        cache = self._cache_for(request)
        key = ""
        if cache is not None:
            key = hashlib.sha256(scope.get("query_string", b"")).hexdigest()
            cached = cache.get(key, time.monotonic())
            if cached is not None:
                replay = Response(cached.body, cached.status, media_type="application/json")
                replay.headers.raw.extend(cached.headers)
                await replay(scope, receive, send)
                return
            generation = cache.generation.current()
        try:
            response = await self.run(request)
        except HTTPException as exc:
            status = exc.status_code
            response = http_error(status, _HTTP_CODES.get(status, "BAD_INPUT"), exc.reason)
        except PersistedQueryError as exc:
            # The protocol's answers are GraphQL errors with a 200, which clients act upon.
            response = JSONResponse(
                {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
            )
        if (
            cache is not None
            and response.status_code == 200
            and b'"errors":' not in response.body
            and response.media_type == "application/json"
        ):
            kept = [(k, v) for k, v in response.headers.raw if k not in _NOT_REPLAYED]
            cache.put(key, generation, time.monotonic(), 200, kept, bytes(response.body))
        await response(scope, receive, send)

    async def _prepared_response(self, request: Request) -> Response | None:
        """The answer to a POSTed query the schema has accepted before, or None when the request
        is one for the full path (which then reads the same, already received, body)."""
        schema = self.schema
        if not isinstance(schema, PithSchema) or self._max_nodes is None:
            return None
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if type(data) is not dict or not data.keys() <= _BODY_KEYS:
            return None
        query, variables = data.get("query"), data.get("variables")
        operation_name, extensions = data.get("operationName"), data.get("extensions")
        if (
            type(query) is not str
            or (variables is not None and type(variables) is not dict)
            or (operation_name is not None and type(operation_name) is not str)
            or extensions  # persisted queries and other protocol extensions: the full path
        ):
            return None
        prepared = schema.prepared.get(query, operation_name)
        if prepared is None:
            return None
        try:
            cost = COSTS.cost(
                query, schema._schema, prepared.operation, prepared.fragments, variables
            )
        except Exception:  # variables the operation does not accept: coded on the full path
            return None
        if cost > self._max_nodes:
            return None
        return await self._execute_prepared(request, prepared, variables, operation_name, cost)

    async def _execute_prepared(
        self,
        request: Request,
        prepared: PreparedQuery,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        cost: int,
    ) -> Response:
        schema = self.schema
        assert isinstance(schema, PithSchema)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        context.requested_nodes = cost
        result = await charge(context)
        if result is None:
            result = await self._run_prepared(prepared, context, variables)
        assert isinstance(result, ExecutionResult)
        errors: list[GraphQLError] | None = result.errors
        if errors:
            schema.process_errors(errors)  # logged as the full path logs them
            errors = _CODED._process_errors(errors)
        answer: dict[str, Any] = {"data": result.data}
        if errors:
            answer["errors"] = [error.formatted for error in errors]
        if context.warnings:
            answer["extensions"] = {"warnings": list(context.warnings)}
        return self.create_response(cast(GraphQLHTTPResponse, answer), sub_response)

    async def _run_prepared(
        self, prepared: PreparedQuery, context: Context, variables: dict[str, Any] | None
    ) -> ExecutionResult:
        """graphql-core's ``execute`` of the kept document, less what the document settled
        when it was kept (the operation chosen, its fragments, the schema valid)."""
        schema = self.schema
        assert isinstance(schema, PithSchema)
        operation = prepared.operation
        variable_values = get_variable_values(
            schema._schema, operation.variable_definitions or (), variables or {}, max_errors=50
        )
        if isinstance(variable_values, list):  # errors
            return ExecutionResult(None, errors=variable_values)
        context.document_memo = prepared.memo
        executor = PithExecution(
            schema._schema,
            prepared.fragments,
            prepared.fragment_details,
            None,
            context,
            operation,
            variable_values,
            default_field_resolver,
            default_type_resolver,
            default_field_resolver,
            is_awaitable=optimized_is_awaitable,
            memo=prepared.memo,
            operation_extensions=None,  # what strawberry's execution class expects
        )
        result = await await_maybe(executor.execute_operation())
        if not isinstance(result, ExecutionResult):  # incremental delivery: not for this path
            raise GraphQLError(UNEXPECTED_MULTIPLE_PAYLOADS)
        return result

    def _cache_for(self, request: Request) -> ResponseCache | None:
        """The response cache, for a GraphQL read sent by GET (never the IDE page)."""
        if self.response_cache_seconds <= 0 or request.method != "GET":
            return None
        params = request.query_params
        if "query" not in params and "extensions" not in params:
            return None
        if self._response_cache is None:
            registry: RegistryState = request.app.state.registry
            self._response_cache = ResponseCache(registry.generation, self.response_cache_seconds)
        return self._response_cache

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        registry: RegistryState = request.app.state.registry
        loaders = Loaders(registry.driver, registry.settings.neo4j_database)
        context = Context(request=request, response=response, registry=registry, loaders=loaders)
        set_request_context(context)
        return context
