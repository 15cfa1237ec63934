"""pith-graph: an open registry of pith numbers, served as GraphQL over Neo4j."""

__version__ = "0.1.0"
