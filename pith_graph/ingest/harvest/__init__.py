"""OAI-PMH harvesting of arXiv: records (pure parsing), the polite client, the harvest use case."""
