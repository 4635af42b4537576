package io.pypub.embedded.s3proxy;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.http.HttpGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The embedded S3 server's main class: runs in S3Proxy's own JVM, on its jar's classpath (never on pypub's; see
 * {@code S3ProxyServer}). S3Proxy as its own {@code Main} would run it from the same properties file, plus two
 * fixes where S3Proxy differs from S3 in ways our tests notice.
 *
 * <p>Usage: {@code S3ProxyMain <properties file>} with S3Proxy's {@code s3proxy.*} and {@code jclouds.*} keys.
 */
public final class S3ProxyMain {
    private S3ProxyMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: S3ProxyMain <s3proxy properties file>");
            System.exit(2);
        }
        // A GET or HEAD answers with the Content-Type stored, byte for byte, as S3 does. Without this, Jetty's
        // servlet response rewrites the types it knows: "text/html; charset=UTF-8" went out as
        // "text/html;charset=utf-8". The class literal names the property as S3Proxy's shading relocated it, and
        // does not initialise the class, which reads the property once when it does.
        System.setProperty(HttpGenerator.class.getName() + ".STRICT", "true");
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            properties.load(in);
        }
        S3Proxy proxy = S3Proxy.Builder.fromProperties(properties)
                .blobStore(new LiveUploadsOnly(BlobStores.create(properties.getProperty("jclouds.provider"), properties)))
                .build();
        proxy.start();
        endWithStandardInput();
    }

    /**
     * Ends this JVM when its standard input ends: the parent holds it open, so the server goes with the parent even
     * after kill -9 (as moto's launcher does). In here rather than a shell around the JVM, so the server's process
     * id is the JVM's, which the benchmarks measure.
     */
    private static void endWithStandardInput() throws IOException {
        while (System.in.read() != -1) {
            // nothing is sent: this only waits for the end
        }
        Runtime.getRuntime().halt(0);
    }
}
