package io.pypub.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * S3Proxy (Apache-2.0, {@code org.gaul:s3proxy}, its runnable jar from Maven Central), the embedded S3 by default
 * ({@code PYPUB_EMBEDDED_S3=moto} chooses moto): a JVM of its own, so its Jetty and AWS SDK never meet ours on one
 * classpath, storing objects in a folder of its own that a start empties (state ends with the server, as moto's does).
 * Many times faster than moto (bench {@code -Dbench=s3}). It runs our main class, {@code s3proxy.S3ProxyMain}, on the
 * jar's classpath: S3Proxy as configured by its properties file, but refusing parts of aborted or unknown uploads and
 * returning the stored Content-Type unchanged, as S3 does (S3Proxy alone does neither).
 */
public final class S3ProxyServer extends LoopbackServer {
    /**
     * Objects in files below the server's folder. Not S3Proxy's in-memory backends: they hold every object in the
     * heap (one ran out of 512 MiB in the S3 benchmark).
     */
    private static final String BACKEND = "filesystem-nio2";
    private static final String VERSION_RESOURCE = "/io/pypub/embedded/s3proxy.properties";
    private static final String MAIN_CLASS = "io.pypub.embedded.s3proxy.S3ProxyMain";
    /**
     * The class files of {@link #MAIN_CLASS} and what it uses, copied out of our jar (or target/classes, or the
     * shaded pypub.jar) into the server's folder: they are compiled against S3Proxy's jar and load only beside it.
     */
    private static final List<String> MAIN_CLASS_FILES = List.of("S3ProxyMain.class", "LiveUploadsOnly.class");

    private final Path jar;
    private final Path workDir;
    private final Path dataDir;
    private final Path config;
    private final Path classes;

    private S3ProxyServer(Path jar, Path logFile, Path workDir, int port) {
        super("embedded S3 server (S3Proxy)", logFile, port);
        this.jar = jar;
        this.workDir = workDir;
        this.dataDir = workDir.resolve("data");
        this.config = workDir.resolve("s3proxy.conf");
        this.classes = workDir.resolve("classes");
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
            copyMainClass();
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
        return List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", jar + File.pathSeparator + classes, MAIN_CLASS, config.toString());
    }

    private void copyMainClass() throws IOException {
        String packageDir = MAIN_CLASS.substring(0, MAIN_CLASS.lastIndexOf('.')).replace('.', '/');
        Path target = classes.resolve(packageDir);
        Files.createDirectories(target);
        for (String file : MAIN_CLASS_FILES) {
            try (InputStream in = S3ProxyServer.class.getResourceAsStream("/" + packageDir + "/" + file)) {
                if (in == null) {
                    throw new IOException("missing from pypub's classpath: " + packageDir + "/" + file);
                }
                Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
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
