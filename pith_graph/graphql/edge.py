"""What every GraphQL request owes the HTTP edge: its rate-limit budget and, for a write, the
host's write generation (so that no cached answer outlives an acknowledged write)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from pith_graph.graphql.context import Context
from pith_graph.http.ratelimit import client_identity, graphql_rate_cost

__all__ = ["EdgeAccounting", "charge"]


class EdgeAccounting(SchemaExtension):
    """Charges the request's cost to its client before execution (refusing it over budget with
    429 ``RATE_LIMITED``), and bumps the write generation once a mutation has run."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        http = isinstance(context, Context) and isinstance(context.response, Response)
        if http:
            refusal = await charge(context)
            if refusal is not None:
                ctx.result = refusal
        yield
        if http and ctx.operation_type == OperationType.MUTATION:
            context.registry.generation.bump()


async def charge(context: Context) -> ExecutionResult | None:
    """Charge the request's cost to its client (the budget's headers on its response); the
    refusal to answer instead when it is over budget, else None."""
    limiter = context.registry.rate_limiter
    client = context.request.client
    host = client.host if client else None
    if not limiter.applies_to(host):
        return None
    cost = graphql_rate_cost(context.requested_nodes)
    decision = limiter.hit(client_identity(host, await context.token_id()), cost)
    response = context.response
    assert isinstance(response, Response)
    response.headers.update(decision.headers())
    if decision.allowed:
        return None
    response.status_code = 429
    error = GraphQLError(
        decision.refusal_message(cost),
        extensions={"code": "RATE_LIMITED", "retryAfter": max(1, decision.reset_seconds)},
    )
    return ExecutionResult(data=None, errors=[error])
