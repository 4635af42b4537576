package io.pypub.core.storage;

import io.pypub.core.release.ReleaseFile;
import io.pypub.core.release.Stage;
import io.pypub.core.version.Version;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The S3 key contract shared by the publisher, the index and the collector (see the storage
 * contract in docs/ARCHITECTURE.md). The one place the key layout lives.
 *
 * <ul>
 *   <li>{@code [prefix]blobs/sha256/{hh}/{sha256}}: a distribution file or a PEP 658 metadata
 *       file, named by the sha256 of its bytes ({@code hh} = its first two hex digits). Written
 *       once, never replaced by other bytes (other bytes have another key), shared by every record
 *       in every stage that holds those bytes. The file name lives in the record and the index URL
 *       only.</li>
 *   <li>{@code [prefix]docs/{stage}/{project}/{version}/{publishId}/...}: the pdoc HTML of one
 *       publish, under a prefix no other publish writes to.</li>
 *   <li>Legacy (read, never written): {@code [prefix]{stage}/{project}/{version}/{filename}} with
 *       {@code .metadata} next to it, and docs at {@code [prefix]docs/{stage}/{project}/{version}/}.
 *       Records hold exact object keys, so records written before the change keep serving.</li>
 * </ul>
 * And one DynamoDB item of the version table that is no record (the record items are described in
 * docs/ARCHITECTURE.md and {@link DynamoVersionTable}):
 * <ul>
 *   <li>stage generation: {@code pk=#generation}, {@code sk={stage}#{shard}} ({@code shard} = two digits,
 *       {@code 00}..{@code 15}, {@link StageGeneration#shardOf}), attribute {@code generation} (a number).
 *       Every transaction that changes what a stage serves adds 1 to the shard of its project, so an
 *       index reads one small partition per stage and interval to learn whether anything changed. A
 *       {@code pk} starting with {@code #} is no stage and no project: listings, {@code pypub ls},
 *       backups and the collector skip it.</li>
 * </ul>
 */
public final class StorageLayout {
    /** The folder (below the prefix) of the content-addressed objects. */
    public static final String BLOBS = "blobs/";
    private static final String SHA256_DIR = BLOBS + "sha256/";
    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern BLOB_KEY = Pattern.compile("^(.*)" + Pattern.quote(SHA256_DIR) + "[0-9a-f]{2}/([0-9a-f]{64})$");

    private final String prefix;

    public StorageLayout(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (!p.isEmpty() && !p.endsWith("/")) {
            p = p + "/";
        }
        this.prefix = p;
    }

    public String prefix() {
        return prefix;
    }

    /** The key of the object holding the bytes whose sha256 is {@code sha256} (lower-case hex). */
    public String blobKey(String sha256) {
        return blobKey(prefix, sha256);
    }

    private static String blobKey(String prefix, String sha256) {
        String hex = sha256 == null ? "" : sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(hex).matches()) {
            throw new IllegalArgumentException("Not a sha256 (64 hex digits): " + sha256);
        }
        return prefix + SHA256_DIR + hex.substring(0, 2) + "/" + hex;
    }

    /** Every content-addressed object lives below this prefix. */
    public String blobsPrefix() {
        return prefix + BLOBS;
    }

    /** Every docs object (current and legacy layout) lives below this prefix. */
    public String docsRoot() {
        return prefix + "docs/";
    }

    /** Whether {@code key} is a content-addressed key (of any prefix). */
    public static boolean isBlobKey(String key) {
        return key != null && BLOB_KEY.matcher(key).matches();
    }

    /**
     * The key of a file's PEP 658 metadata object, or null if the file has none. For a
     * content-addressed file it is the blob of the metadata's sha256 (same prefix); for a file
     * recorded under the legacy layout it is the file's key with {@code .metadata} appended.
     */
    public static String metadataKey(ReleaseFile file) {
        if (file.metadataSha256() == null) {
            return null;
        }
        Matcher m = BLOB_KEY.matcher(file.objectKey());
        if (m.matches()) {
            return blobKey(m.group(1), file.metadataSha256());
        }
        return legacyMetadataKey(file.objectKey());
    }

    /**
     * A new, unique docs prefix for one publish of a version: an overwrite or a concurrent publish
     * never writes into docs that an existing record references.
     */
    public String newDocsPrefix(Stage stage, String project, Version version) {
        return legacyDocsPrefix(stage, project, version) + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "/";
    }

    /** The partition key of the stage generation items (see the class comment). */
    public static final String GENERATION_PK = "#generation";

    /** The sort key of one shard of a stage's generation. */
    public static String generationSk(Stage stage, int shard) {
        return generationSkPrefix(stage) + (shard < 10 ? "0" : "") + shard;
    }

    /** Every shard of a stage's generation has a sort key starting with this. */
    public static String generationSkPrefix(Stage stage) {
        return stage.name() + "#";
    }

    // ---- legacy layout: read by old records, written by nothing in pypub (benchmarks build trees with it) ----

    public String releasePrefix(Stage stage, String project, Version version) {
        return prefix + stage.name() + "/" + project + "/" + version.normalized() + "/";
    }

    /** Legacy per-release key of a file; records written before content addressing hold these. */
    public String fileKey(Stage stage, String project, Version version, String filename) {
        return releasePrefix(stage, project, version) + filename;
    }

    /** Legacy: the metadata object next to a per-release file key. */
    public static String legacyMetadataKey(String fileKey) {
        return fileKey + ".metadata";
    }

    /** Legacy docs prefix of a version (new publishes add a per-publish folder, see {@link #newDocsPrefix}). */
    public String legacyDocsPrefix(Stage stage, String project, Version version) {
        return prefix + "docs/" + stage.name() + "/" + project + "/" + version.normalized() + "/";
    }
}
