"""Bulk ingest of real corpora: format parsers (pure), file reading, and the batched pipeline."""
