"""The store: the only package that speaks Cypher.

Queries are literal strings with ``$parameters``; read functions take lists of keys and return
results in key order (what DataLoaders need); driver errors are translated at this boundary.
"""
