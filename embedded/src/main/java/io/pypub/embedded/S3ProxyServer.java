package io.pypub.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * S3Proxy (Apache-2.0, {@code org.gaul:s3proxy}, its runnable jar from Maven Central) as the embedded S3, when
 * chosen ({@code PYPUB_EMBEDDED_S3=s3proxy}; moto is the default): a JVM of its own, so its Jetty and jclouds never
 * meet ours on one classpath, storing objects in a folder of its own that a start empties (state ends with the
 * server, as moto's does). Many times faster than moto (bench {@code -Dbench=s3}), but not S3 in two ways core's
 * tests notice: it accepts UploadPart for an aborted or unknown upload id (S3: 404 NoSuchUpload), and its Jetty
 * stores {@code text/html; charset=utf-8} as {@code text/html;charset=utf-8}.
 */
public final class S3ProxyServer extends LoopbackServer {
    /**
     * Objects in files below the server's folder. Not S3Proxy's in-memory backends: they hold every object in the
     * heap (one ran out of 512 MiB in the S3 benchmark).
     */
    private static final String BACKEND = "filesystem-nio2";
    private static final String VERSION_RESOURCE = "/io/pypub/embedded/s3proxy.properties";

    private final Path jar;
    private final Path workDir;
    private final Path dataDir;
    private final Path config;

    private S3ProxyServer(Path jar, Path logFile, Path workDir, int port) {
        super("embedded S3 server (S3Proxy)", logFile, port);
        this.jar = jar;
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.config = workDir.resolve("s3proxy.conf");
    }

    /**
     * Starts a server on a free loopback port and waits until it answers.
     *
     * @param workDir its configuration and objects; emptied at every start, deleted by {@link #close()}
     */
    public static S3ProxyServer start(Path logFile, Path workDir) {
        S3ProxyServer server = new S3ProxyServer(jar(), logFile, workDir, freePort());
        server.start();
        return server;
    }

    /** The runnable jar: {@code pypub.s3proxy.jar} or {@code PYPUB_S3PROXY_JAR}, else where Maven put the pinned version. */
    static Path jar() {
        String configured = System.getProperty("pypub.s3proxy.jar", System.getenv("PYPUB_S3PROXY_JAR"));
        Path jar;
        if (configured != null && !configured.isBlank()) {
            jar = Path.of(configured);
        } else {
            Properties p = new Properties();
            try (InputStream in = S3ProxyServer.class.getResourceAsStream(VERSION_RESOURCE)) {
                p.load(in);
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("Cannot read " + VERSION_RESOURCE + ": " + e.getMessage(), e);
            }
            jar = Path.of(p.getProperty("jar"));
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The S3Proxy jar is missing: " + jar + ". Build with Maven (it fetches org.gaul:s3proxy), "
                    + "set PYPUB_S3PROXY_JAR to the jar-with-dependencies, or use moto: PYPUB_EMBEDDED_S3=moto");
        }
        return jar;
    }

    @Override
    void prepare() {
        try {
            deleteTree(dataDir);
            Files.createDirectories(dataDir);
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + EmbeddedAws.ACCESS_KEY_ID,
                    "s3proxy.credential=" + EmbeddedAws.SECRET_ACCESS_KEY,
                    "jclouds.provider=" + BACKEND,
                    "jclouds.filesystem.basedir=" + dataDir,
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded S3 server's folder " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    List<String> command() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return endingWithStdin(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Xshare:auto", "-jar", jar.toString(),
                "--properties", config.toString()));
    }

    @Override
    public void close() {
        super.close();
        try {
            deleteTree(workDir);
        } catch (IOException e) {
            // a leftover temporary folder, nothing more
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
