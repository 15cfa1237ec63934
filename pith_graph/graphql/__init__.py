"""The GraphQL layer: strawberry types, resolvers and per-request DataLoaders. Thin by design."""
