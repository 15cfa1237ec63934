# The API image. Neo4j runs as its own service (docker-compose.yml), so NEO4J_URI is always set
# here and the local launcher is never built into this image.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pith_graph ./pith_graph
# The record JSON Schema ships inside the package through a link into schema/.
COPY schema ./schema
COPY neo4j/migrations ./neo4j/migrations
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/pith pith \
    && mkdir -p /var/lib/pith && chown pith /var/lib/pith
ENV PITH_DATA_DIR=/var/lib/pith PITH_HOST=0.0.0.0 PITH_PORT=8000 \
    PITH_MIGRATIONS_DIR=/app/neo4j/migrations
USER pith
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["pith-graph", "serve"]
