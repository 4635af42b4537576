package io.pypub.bench;

import io.pypub.core.python.CommandRunner.CommandResult;
import io.pypub.core.python.LocalCommandRunner;
import io.pypub.embedded.EmbeddedAws;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** External programs (Debian's nginx and wrk), processes and ports. */
final class Tools {
    private Tools() {}

    /**
     * The path of {@code command}; when missing, installs the Debian package as root, otherwise
     * fails with the command to run.
     */
    static Path require(String command, String debianPackage) {
        Optional<Path> found = find(command);
        if (found.isPresent()) {
            return found.get();
        }
        String install = "apt-get install -y " + debianPackage;
        if (!"root".equals(System.getProperty("user.name")) || find("apt-get").isEmpty()) {
            throw new IllegalStateException(command + " is missing; install it first: sudo " + install);
        }
        System.out.println("[bench] " + command + " is missing; running: " + install);
        if (!run(List.of("apt-get", "install", "-y", "-q", debianPackage), Duration.ofMinutes(10)).ok()) {
            run(List.of("apt-get", "update", "-q"), Duration.ofMinutes(10));
            CommandResult r = run(List.of("apt-get", "install", "-y", "-q", debianPackage), Duration.ofMinutes(10));
            if (!r.ok()) {
                throw new IllegalStateException("'" + install + "' failed:\n" + r.tailText());
            }
        }
        return find(command).orElseThrow(() -> new IllegalStateException(install + " did not provide " + command));
    }

    private static Optional<Path> find(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static CommandResult run(List<String> command, Duration timeout) {
        return new LocalCommandRunner().run(command, Path.of("").toAbsolutePath(), Map.of("DEBIAN_FRONTEND", "noninteractive"),
                timeout, line -> { });
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code process} accepts connections on the loopback port. */
    static void awaitPort(Process process, int port, String what, Path log) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited at start (exit " + process.exitValue() + "); see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException(what + " did not start within 60 s; see " + log);
    }

    static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Seconds one aws-cli command took against the local S3 ({@code s3 cp} or {@code s3 sync} of the same files the
     * index gets): dummy credentials and nothing from the caller's AWS configuration; output to {@code log}.
     */
    static double timeAwsS3(Path awsCommand, java.net.URI endpoint, Path log, String... s3Args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(awsCommand.toString(), "--endpoint-url", endpoint.toString(), "s3"));
        command.addAll(List.of(s3Args));
        command.addAll(List.of("--no-progress", "--only-show-errors"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(awsEnvironment());
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("aws s3 " + s3Args[0] + " failed; see " + log);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The environment of a process that talks to the embedded S3 and DynamoDB servers (aws-cli, pypub): their keys (S3Proxy
     * checks them, moto takes any), no profile files, no instance metadata, no pager.
     */
    static Map<String, String> awsEnvironment() {
        return Map.of("AWS_ACCESS_KEY_ID", EmbeddedAws.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", EmbeddedAws.SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", "/dev/null", "AWS_SHARED_CREDENTIALS_FILE", "/dev/null",
                "AWS_EC2_METADATA_DISABLED", "true", "AWS_PAGER", "");
    }
}
