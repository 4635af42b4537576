package io.pypub.core.upstream;

import java.net.URI;
import java.util.List;

/**
 * One project page of an upstream simple index, as parsed from PEP 691 JSON or PEP 503 HTML: the
 * fields the index passes on (hashes, requires-python, yanked, PEP 658 metadata), with absolute
 * file URLs.
 *
 * @param upstream the upstream's base URL, redacted (for logs and the stage page)
 */
public record UpstreamProject(String name, String upstream, List<File> files) {
    public UpstreamProject {
        files = List.copyOf(files);
    }

    /**
     * @param sha256 lower-case hex, or null when the upstream gave none (such files are not offered)
     * @param yanked null when not yanked, else the reason ("" for none)
     * @param metadataSha256 the PEP 658 metadata's sha256, "" when the upstream has metadata without a hash, null without
     */
    public record File(String filename, URI url, String sha256, String requiresPython, String yanked, String metadataSha256,
            Long size, String uploadTime) {

        public File withSize(Long newSize) {
            return new File(filename, url, sha256, requiresPython, yanked, metadataSha256, newSize, uploadTime);
        }

        public File withHashes(String fileSha256, String metaSha256) {
            return new File(filename, url, fileSha256, requiresPython, yanked, metaSha256, size, uploadTime);
        }
    }

    public java.util.Optional<File> file(String filename) {
        return files.stream().filter(f -> f.filename().equals(filename)).findFirst();
    }
}
