package science.pith.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

/**
 * Runs the real Neo4j Community engine, embedded, with its Bolt connector listening.
 *
 * <p>Options (each also readable from the environment variable in brackets):
 * <pre>
 *   --host HOST          Bolt listen address      [PITH_NEO4J_HOST, default 127.0.0.1]
 *   --port PORT          Bolt port                [PITH_NEO4J_PORT, default 7687]
 *   --data-dir DIR       store directory          [PITH_NEO4J_DATA_DIR, default ./neo4j-data]
 *   --page-cache SIZE    page cache, e.g. 2g      [PITH_NEO4J_PAGE_CACHE, default 2g]
 *   --tx-memory SIZE     max memory per tx        [PITH_NEO4J_TX_MEMORY, default 2g]
 *   --plugins-dir DIR    load procedure jars (APOC) from DIR; off unless given
 *   --index-population-workers N   threads of each index population job (Neo4j's default is
 *                        a quarter of the cores, so one on a 2-core machine); unset unless given
 * </pre>
 *
 * <p>It prints one line {@code PITH_NEO4J_READY bolt://HOST:PORT} on standard output once Bolt
 * accepts connections, and shuts the database down cleanly on SIGTERM/SIGINT (the JVM runs the
 * shutdown hook, which checkpoints and closes the store), so a normal stop never leaves a store
 * that needs recovery.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> opts = parse(argv);
        String host = opts.getOrDefault("host", env("PITH_NEO4J_HOST", "127.0.0.1"));
        int port = Integer.parseInt(opts.getOrDefault("port", env("PITH_NEO4J_PORT", "7687")));
        Path dataDir = Path.of(opts.getOrDefault("data-dir", env("PITH_NEO4J_DATA_DIR", "neo4j-data")))
                .toAbsolutePath();
        String pageCache = opts.getOrDefault("page-cache", env("PITH_NEO4J_PAGE_CACHE", "2g"));
        String txMemory = opts.getOrDefault("tx-memory", env("PITH_NEO4J_TX_MEMORY", "2g"));
        String pluginsDir = opts.get("plugins-dir");
        String populationWorkers = opts.get("index-population-workers");

        Files.createDirectories(dataDir);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(dataDir)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(HttpConnector.enabled, false)
                // Loopback by default; a deployment beyond one machine uses the official image
                // with auth on (docker-compose.yml), not this launcher.
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pageCache))
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.parse(txMemory))
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(10))
                // The stores are checkpointed and closed before Bolt goes down; Bolt's default
                // 5 s + 5 s grace only delays the process exit.
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1));
        if (pluginsDir != null) {
            builder.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(pluginsDir).toAbsolutePath())
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, java.util.List.of("apoc.*"));
        }

        if (populationWorkers != null) {
            // A store loaded by the offline importer gets all its indexes at once: with the
            // default one worker per population job, one core sorts while the other waits.
            builder.setConfig(GraphDatabaseInternalSettings.index_population_workers,
                    Integer.parseInt(populationWorkers));
        }

        long started = System.nanoTime();
        DatabaseManagementService service = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("PITH_NEO4J_STOPPING");
            System.out.flush();
            service.shutdown();
            System.out.println("PITH_NEO4J_STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "pith-neo4j-shutdown"));

        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        // The embedded default database is usable once this answers; Bolt listens by then.
        db.executeTransactionally("RETURN 1");
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("PITH_NEO4J_READY bolt://" + host + ":" + port + " in " + millis + " ms");
        System.out.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --option VALUE pairs, got: " + arg);
            }
            opts.put(arg.substring(2), argv[++i]);
        }
        return opts;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
