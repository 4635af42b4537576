package io.pypub.core.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pypub.core.project.ProjectName;
import io.pypub.core.publish.PublishLog;
import io.pypub.core.release.DistFilename;
import io.pypub.core.storage.FileDigest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Downloads the sdists and wheels of another simple index (PEP 691 JSON; pypiserver, devpi,
 * Artifactory, another pypub) into a folder, each checked against the sha256 the index states,
 * so {@link ReleaseImporter} can bring them in like any other folder.
 */
public final class SimpleIndexMirror {
    private static final String JSON_TYPE = "application/vnd.pypi.simple.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /**
     * @param indexUrl the index's simple root, e.g. {@code https://pypi.internal/simple/}
     * @param projects projects to copy; empty means every project the index lists
     * @return how many files were downloaded into {@code dir}
     */
    public int download(URI indexUrl, List<String> projects, Path dir, PublishLog log) {
        String base = indexUrl.toString().endsWith("/") ? indexUrl.toString() : indexUrl + "/";
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw new IllegalArgumentException("Not an index URL: " + ProjectName.printable(base) + " (use http:// or https://)");
        }
        List<String> names = new ArrayList<>(projects);
        if (names.isEmpty()) {
            getJson(URI.create(base)).path("projects").forEach(p -> names.add(p.path("name").asText()));
        }
        int count = 0;
        for (String name : names) {
            if (!ProjectName.isValid(name)) {
                throw new IllegalArgumentException("The index lists an invalid project name: " + ProjectName.printable(name));
            }
            URI page = URI.create(base + ProjectName.normalize(name) + "/");
            for (JsonNode file : getJson(page).path("files")) {
                String filename = file.path("filename").asText();
                DistFilename.parse(filename); // refuses path separators and anything that is not a distribution
                if (!filename.endsWith(".tar.gz") && !filename.endsWith(".whl")) {
                    log.warn("skipping " + filename + ": only .tar.gz sdists and wheels are imported");
                    continue;
                }
                String sha256 = file.path("hashes").path("sha256").asText(null);
                if (sha256 == null) {
                    throw new IllegalStateException(page + " gives no sha256 for " + filename + ": refusing to import unverified bytes");
                }
                fetch(page.resolve(file.path("url").asText()), dir.resolve(filename), sha256);
                count++;
                log.info("downloaded " + filename + " (" + count + ")");
            }
        }
        return count;
    }

    private JsonNode getJson(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", JSON_TYPE).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(uri + " answered HTTP " + r.statusCode());
            }
            if (!r.headers().firstValue("Content-Type").orElse("").startsWith(JSON_TYPE)) {
                throw new IllegalStateException(uri + " does not speak the PEP 691 JSON simple API (Content-Type "
                        + r.headers().firstValue("Content-Type").orElse("none") + ")");
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading " + uri, e);
        }
    }

    private void fetch(URI uri, Path target, String sha256) {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IllegalStateException(uri + " answered HTTP " + r.statusCode());
            }
            try (InputStream in = r.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = FileDigest.of(part).sha256();
            if (!actual.equalsIgnoreCase(sha256)) {
                Files.deleteIfExists(part);
                throw new IllegalStateException(target.getFileName() + " from " + uri.getHost() + " has sha256 " + actual
                        + " but the index says " + sha256 + ": nothing was imported");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot download " + target.getFileName() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted downloading " + target.getFileName(), e);
        }
    }
}
