package helpcenter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node on loopback for tests and benchmarks, with the modules the help
 * center uses loaded from the classpath (a distribution would load them from its modules
 * folder). Usage: java -Xmx1g -cp 'target/classes:target/lib/*' helpcenter.OpenSearchNode
 * HTTP_PORT TRANSPORT_PORT HOME. Stops on SIGTERM.
 *
 * Not a public API: Node's constructor with a plugin list is protected (OpenSearch's own
 * test framework uses it), and the override below is internal. Both hold for the version
 * pinned in pom.xml; an upgrade may need this file changed.
 */
public class OpenSearchNode extends Node {
    OpenSearchNode(Environment environment) {
        super(
            environment,
            List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, ReindexPlugin.class),
            true);
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
        // The distribution's log4j layout prints the node id; this node logs without it.
    }

    public static void main(String[] args) throws Exception {
        int httpPort = Integer.parseInt(args[0]);
        int transportPort = Integer.parseInt(args[1]);
        Path home = Path.of(args[2]).toAbsolutePath();
        Settings settings = Settings.builder()
            .put("cluster.name", "helpcenter-test")
            .put("node.name", "node-1")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            // A test machine's disk may be nearly full: never turn the indexes read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> "node-1");
        Files.createDirectories(environment.modulesFile());
        Files.createDirectories(environment.pluginsFile());
        OpenSearchNode node = new OpenSearchNode(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        node.start();
        // Every thread of the node is a daemon: keep the JVM alive until it is stopped.
        Thread.currentThread().join();
    }
}
