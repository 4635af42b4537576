package io.pypub.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI image tar that the build made (deploy/target/pypub-index-image.tar, Jib's buildTar), read
 * without Docker: its config, and its layers unpacked in order into one root filesystem. Runs a
 * command of the image the way a container runtime would: in a new mount and PID namespace with its
 * own /proc and the host's /dev, chrooted into the root filesystem, as the image's user, with only
 * the image's environment (plus what the test adds). Needs root (CI and these machines run as root).
 */
final class ImageRootfs {
    private static ImageRootfs unpacked;

    final Path tar;
    final Path root;
    final JsonNode config;

    private ImageRootfs(Path tar, Path root, JsonNode config) {
        this.tar = tar;
        this.root = root;
        this.config = config;
    }

    static Path imageTar() {
        Path tar = TestEnvironment.repoRoot().resolve("deploy/target/pypub-index-image.tar");
        if (!Files.isRegularFile(tar)) {
            throw new AssertionError(tar + " is missing: the build makes it before the tests (jib:buildTar in deploy/pom.xml); run ./mvnw verify");
        }
        return tar;
    }

    /** The image, unpacked once per test JVM. */
    static synchronized ImageRootfs get() throws IOException {
        if (unpacked == null) {
            Path tar = imageTar();
            Path dir = TestEnvironment.tempDir("pypub-image-");
            Path oci = Files.createDirectories(dir.resolve("oci"));
            TestEnvironment.run(List.of("tar", "-xf", tar.toString(), "-C", oci.toString()));
            ObjectMapper json = new ObjectMapper();
            JsonNode index = json.readTree(oci.resolve("index.json").toFile());
            JsonNode manifest = json.readTree(blob(oci, index.path("manifests").get(0).path("digest").asText()).toFile());
            JsonNode config = json.readTree(blob(oci, manifest.path("config").path("digest").asText()).toFile());
            Path root = Files.createDirectories(dir.resolve("rootfs"));
            for (JsonNode layer : manifest.path("layers")) {
                String type = layer.path("mediaType").asText();
                String flag = type.endsWith("gzip") ? "-xzf" : "-xf";
                // As root, tar keeps the layers' owners and modes (the non-root user's home, sticky /tmp).
                TestEnvironment.run(List.of("tar", "--numeric-owner", "-p", flag,
                        blob(oci, layer.path("digest").asText()).toString(), "-C", root.toString()));
            }
            unpacked = new ImageRootfs(tar, root, config.path("config"));
        }
        return unpacked;
    }

    private static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return dir + "/" + name;
            }
        }
        throw new AssertionError(name + " (util-linux) is needed to run the image without Docker: apt-get install util-linux");
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    List<String> entrypoint() {
        List<String> out = new ArrayList<>();
        config.path("Entrypoint").forEach(n -> out.add(n.asText()));
        config.path("Cmd").forEach(n -> out.add(n.asText()));
        return out;
    }

    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        config.path("Env").forEach(n -> {
            String[] kv = n.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        return env;
    }

    String user() {
        return config.path("User").asText();
    }

    /**
     * A process of the image: {@code command} (the entrypoint, or another) in the image's root, as its
     * user, with its environment plus {@code extraEnv}. SIGTERM to the returned process reaches the
     * namespace's init (unshare), which passes it on.
     */
    ProcessBuilder process(List<String> command, Map<String, String> extraEnv) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("Running the image without Docker needs root (chroot and mount namespaces);"
                    + " CI and these machines run as root, this JVM runs as " + System.getProperty("user.name"));
        }
        String r = root.toString();
        List<String> cmd = new ArrayList<>(List.of(tool("unshare"), "--mount", "--pid", "--fork", "--kill-child=SIGTERM",
                "/bin/sh", "-c", "r=$1; u=$2; m=$3; c=$4; shift 4; \"$m\" -t proc proc \"$r/proc\" && \"$m\" --rbind /dev \"$r/dev\""
                        + " && exec \"$c\" --userspec=\"$u\" \"$r\" \"$@\"", "sh", r, user(), tool("mount"), tool("chroot")));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment());
        pb.environment().putAll(extraEnv);
        return pb;
    }
}
