"""Who may write: every mutation field carries ``needs(scope)``, a strawberry permission that
checks the request's bearer token (looked up once per request, see ``Context.principal``).

With ``PITH_AUTH=off`` the check passes without a token (development only). Refusals are coded
``UNAUTHENTICATED`` (no/unknown/revoked token) or ``FORBIDDEN`` (scope missing) and happen before
the resolver runs, so nothing is written.
"""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from pith_graph.core.tokens import Scope
from pith_graph.graphql.context import Context
from pith_graph.service import tokens

__all__ = ["RequireScope", "needs"]


class RequireScope(BasePermission):
    message = "this mutation needs an API token"
    error_extensions = {"code": "UNAUTHENTICATED"}

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def has_permission(
        self, source: Any, info: Info[Context, None], **kwargs: Any
    ) -> bool:
        context = info.context
        if not context.registry.settings.auth_required:
            return True
        # Raising (rather than returning False) keeps the precise, coded reason per request.
        tokens.require(await context.principal(), self.scope)
        return True


def needs(scope: Scope) -> list[FieldExtension]:
    """Field extensions of a mutation that requires ``scope`` (``admin`` implies every scope)."""
    return [PermissionExtension([RequireScope(scope)], use_directives=False)]
