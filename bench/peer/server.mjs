// The benchmark's peer: the Neo4j GraphQL Library over pith-graph's graph, behind the smallest
// HTTP server that speaks GraphQL over HTTP (node:http + graphql-http). One process, like ours.
//
//   NEO4J_URI=bolt://127.0.0.1:7687 PORT=4000 node server.mjs
import { readFileSync } from "node:fs";
import http from "node:http";
import { Neo4jGraphQL } from "@neo4j/graphql";
import { createHandler } from "graphql-http/lib/use/http";
import neo4j from "neo4j-driver";

const uri = process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687";
const port = Number(process.env.PORT ?? 4000);
const auth = process.env.NEO4J_PASSWORD
  ? neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD)
  : undefined;
// Same pool size as ours (pith_graph/store/driver.py).
const driver = neo4j.driver(uri, auth, { maxConnectionPoolSize: 64, disableLosslessIntegers: true });

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const neoSchema = new Neo4jGraphQL({ typeDefs, driver });
const schema = await neoSchema.getSchema();
// Fails at start-up when the database lacks what the library needs (APOC, version).
await neoSchema.checkNeo4jCompat();

const handler = createHandler({ schema, context: () => ({}) });
const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  } else if (req.url.startsWith("/graphql")) {
    handler(req, res);
  } else {
    res.writeHead(404).end();
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => console.log(`PEER_READY http://127.0.0.1:${port}/graphql`));

const stop = async () => {
  server.close();
  await driver.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
