package io.pypub.server.index;

import io.pypub.core.audit.AuditEvent;
import io.pypub.core.audit.ChangeLog;
import io.pypub.core.docs.DocsZip;
import io.pypub.core.audit.PublishAudit;
import io.pypub.core.config.UploadLimits;
import io.pypub.core.inspect.DistributionInspector;
import io.pypub.core.inspect.InspectedDistribution;
import io.pypub.core.inspect.InvalidDistributionException;
import io.pypub.core.notify.Notifier;
import io.pypub.core.progress.PublishLog;
import io.pypub.core.project.ProjectName;
import io.pypub.core.publish.FileExistsException;
import io.pypub.core.publish.PublishPipeline;
import io.pypub.core.publish.PublishRequest;
import io.pypub.core.release.PackageType;
import io.pypub.core.release.Release;
import io.pypub.core.route.IndexRoute;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.AwsSettings;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.FileDigest;
import io.pypub.core.storage.S3ArtifactStore;
import io.pypub.core.storage.StreamingBlobUpload;
import io.pypub.core.util.FileTrees;
import io.pypub.core.version.Version;
import io.pypub.server.access.Admission;
import io.pypub.server.exchange.IndexRequest;
import io.pypub.server.exchange.IndexResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /{stage}/legacy/}: the upload API that {@code twine upload}, {@code uv publish},
 * {@code poetry publish} and {@code pdm publish} speak. The body is streamed: its file part goes to a
 * temporary file while it is hashed (once), and, when the fields before it declared its sha256, on to its S3 key
 * as it arrives (completed only after the checks, aborted otherwise); then the file's own metadata is checked against the form, and
 * {@link PublishPipeline#addFile} records it by the same content-addressed upload and conditional
 * record as every publish. See docs/ARCHITECTURE.md, "The upload API".
 */
public final class LegacyUpload {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyUpload.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern FILENAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+!-]{0,250}");

    /** The pipeline's steps (uploaded, recorded, retried after a concurrent upload) into the server log. */
    private static final PublishLog LOG_AS_PUBLISH_LOG = new PublishLog() {
        @Override
        public void info(String message) {
            LOG.debug("{}", message);
        }

        @Override
        public void warn(String message) {
            LOG.warn("{}", message);
        }
    };

    private final PublishPipeline pipeline;
    private final ChangeLog changes;
    private final String publicUrl;
    private final UploadLimits limits;
    private final DistributionInspector inspector = new DistributionInspector();

    public LegacyUpload(PublishPipeline pipeline, ChangeLog changes, String publicUrl, UploadLimits limits) {
        this.pipeline = pipeline;
        this.changes = changes;
        this.publicUrl = publicUrl;
        this.limits = limits;
    }

    /**
     * On a deployment's bucket and tables; every upload goes to its change log and then to {@code notifier}
     * (Slack, as for a Jenkins publish: see {@link PublishPipeline#addFile}).
     */
    public static LegacyUpload on(AwsClients aws, IndexSettings settings, Notifier notifier) {
        AwsSettings s = aws.settings();
        ChangeLog changes = ChangeLog.on(aws);
        PublishPipeline pipeline = new PublishPipeline(null, new S3ArtifactStore(aws.s3(), s.bucket()),
                new S3ArtifactStore(aws.s3(), s.effectiveDocsBucket()), new DynamoVersionTable(aws.dynamo(), s.versionTable()),
                s.layout(), new PublishAudit(changes, notifier));
        return new LegacyUpload(pipeline, changes, settings.publicUrl(), settings.uploadLimits());
    }

    public IndexResponse handle(IndexRequest request, IndexRoute.Upload route, Admission access) {
        if (!request.method().equalsIgnoreCase("POST")) {
            return IndexResponse.text(405, "Method not allowed: upload with POST (twine upload, uv publish)").header("Allow", "POST");
        }
        long maxBytes = limits.forStage(route.stage());
        // Refused from the header, before a byte of the body is read (the stage is in the path).
        String length = request.header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBytes) {
                    return tooLarge(route, maxBytes);
                }
            } catch (NumberFormatException e) {
                return bad("invalid Content-Length");
            }
        }
        if (request.bodyStream() == null) {
            return IndexResponse.text(413, "Uploads are not accepted here: this deployment cannot take request bodies of package "
                    + "size (AWS API Gateway's request limit). Upload to the server deployment (pypub serve) instead.");
        }
        String contentType = request.header("Content-Type");
        String boundary = contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
                ? null : MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            return bad("expected a multipart/form-data body (twine upload, uv publish)");
        }
        Path dir = null;
        UploadForm form = null;
        try {
            dir = Files.createTempDirectory("pypub-upload-");
            try (InputStream in = request.bodyStream().open()) {
                form = UploadForm.read(in, boundary, maxBytes, dir, (fields, file) -> startStreaming(fields, file, access));
            } catch (IOException e) {
                return bad("the upload body could not be read (" + e.getClass().getSimpleName() + "): truncated upload, nothing was recorded");
            }
            return upload(form, dir, route, access, request);
        } catch (UploadForm.Refused e) {
            if (e.status == 413) {
                // The body passed the limit, or one text field its own (a README of megabytes): say which.
                return e.getMessage().startsWith("Form field") ? IndexResponse.text(413, e.getMessage() + "; nothing was recorded")
                        : tooLarge(route, maxBytes);
            }
            return bad(e.getMessage());
        } catch (IOException e) {
            LOG.error("Upload to {} failed: {}", route.path(), e.toString());
            return IndexResponse.text(500, "The upload could not be stored on this server: " + e.getMessage());
        } finally {
            if (form != null) {
                form.close(); // aborts a streamed upload that was not completed: nothing is left in S3
            }
            if (dir != null) {
                FileTrees.deleteQuietly(dir);
            }
        }
    }

    /**
     * When the file part begins and the fields before it declare its sha256 (twine, uv, poetry and pdm send every
     * field before the file), the file can go to its content-addressed key as it arrives: see docs/ARCHITECTURE.md,
     * "The upload API". Only for a file upload of a project this key may publish; anything else, or a store that
     * cannot, keeps the temporary file and puts it after receipt.
     */
    private StreamingBlobUpload startStreaming(java.util.Map<String, String> fields, Path file, Admission access) {
        String sha = fields.get("sha256_digest");
        String name = fields.get("name");
        if (!"file_upload".equals(fields.get(":action")) || sha == null || !SHA256.matcher(sha.strip()).matches() || name == null
                || !ProjectName.isValid(name.strip()) || !access.allowsProject(ProjectName.normalize(name.strip()))) {
            return null;
        }
        try {
            return pipeline.streamDistribution(sha.strip().toLowerCase(Locale.ROOT), file).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Upload to S3 as the body arrives is not possible ({}); the file is put after receipt", e.toString());
            return null;
        }
    }

    private IndexResponse upload(UploadForm form, Path dir, IndexRoute.Upload route, Admission access, IndexRequest request)
            throws IOException {
        String action = form.fields.get(":action");
        if (!"file_upload".equals(action) && !"doc_upload".equals(action)) {
            return bad("unknown :action '" + UploadForm.printable(action) + "' (expected file_upload or doc_upload)");
        }
        String name = form.fields.get("name");
        String version = form.fields.get("version");
        if (name == null || version == null) {
            return bad("the form needs name and version");
        }
        if (!ProjectName.isValid(name.strip())) {
            return bad("invalid project name '" + UploadForm.printable(name) + "'");
        }
        String project = ProjectName.normalize(name.strip());
        // The audit line names what was uploaded (the path does not): project, version and file as the form says.
        String named = form.contentFilename == null ? null : baseName(form.contentFilename);
        return uploadFile(form, dir, route, access, request, name, version, project)
                .subject(project, UploadForm.printable(version.strip()), named == null ? null : UploadForm.printable(named));
    }

    private static String baseName(String filename) {
        int slash = Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\'));
        return filename.substring(slash + 1);
    }

    private IndexResponse uploadFile(UploadForm form, Path dir, IndexRoute.Upload route, Admission access, IndexRequest request,
            String name, String version, String project) throws IOException {
        if (!access.allowsProject(project)) {
            return IndexResponse.text(403, "Forbidden: this key may not publish project " + project);
        }
        if ("doc_upload".equals(form.fields.get(":action"))) {
            return uploadDocs(form, dir, route, access, request, version, project);
        }
        if (form.contentFile == null || form.contentFilename == null) {
            return bad("the form has no file in its 'content' part");
        }
        String filename = baseName(form.contentFilename);
        if (!FILENAME.matcher(filename).matches()) {
            return bad("invalid file name '" + UploadForm.printable(filename) + "'");
        }
        String sha = form.fields.get("sha256_digest");
        String md5 = form.fields.get("md5_digest");
        if (sha != null && !sha.isBlank()) {
            if (!sha.strip().equalsIgnoreCase(form.sha256)) {
                return bad("Digest mismatch: sha256_digest " + UploadForm.printable(sha.strip()) + " is not the sha256 of the "
                        + "received bytes (" + form.sha256 + "); nothing was recorded");
            }
        } else if (md5 != null && !md5.isBlank()) {
            if (!md5.strip().equalsIgnoreCase(form.md5)) {
                return bad("Digest mismatch: md5_digest is not the md5 of the received bytes; nothing was recorded");
            }
        } else {
            return bad("the form needs sha256_digest (or md5_digest) to check the bytes");
        }
        Path file = dir.resolve(filename);
        if (form.streamed != null) {
            Files.createLink(file, form.contentFile); // its last parts may still be read back by the path it was written to
        } else {
            Files.move(form.contentFile, file);
        }
        InspectedDistribution d;
        try {
            d = inspector.inspect(file);
        } catch (InvalidDistributionException e) {
            return bad(e.getMessage());
        }
        String filetype = form.fields.get("filetype");
        PackageType type = d.filename().type();
        if (filetype != null && !(filetype.equals("sdist") && type == PackageType.SDIST
                || filetype.equals("bdist_wheel") && type == PackageType.WHEEL)) {
            return bad("filetype '" + UploadForm.printable(filetype) + "' does not match " + filename);
        }
        String fileProject;
        Version fileVersion;
        Version formVersion;
        try {
            fileProject = ProjectName.normalize(d.metadata().name());
            fileVersion = Version.parse(d.metadata().version());
            formVersion = Version.parse(version.strip());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        if (!fileProject.equals(project) || !fileVersion.equals(formVersion)) {
            return bad("the form says " + UploadForm.printable(name) + " " + UploadForm.printable(version) + " but " + filename
                    + " holds " + d.metadata().name() + " " + d.metadata().version() + "; nothing was recorded");
        }
        String address = request.remoteAddress();
        String publishedBy = "uploaded by key " + access.keyId() + " (client " + access.client() + ") from address " + address;
        PublishRequest publish = PublishRequest.builder(dir, route.stage()).docs(false).publishedBy(publishedBy)
                .provenance(io.pypub.core.release.Provenance.uploaded(access.keyId(), access.client(), address))
                .indexUrl(publicUrl).build();
        try {
            // The digest computed as the body arrived is passed down: the file is not hashed again.
            FileDigest received = new FileDigest(form.sha256, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(form.md5)),
                    form.contentSize);
            PublishPipeline.AddResult result = pipeline.addFile(publish, file, d, received, form.streamed, LOG_AS_PUBLISH_LOG);
            LOG.info("Upload {} to {} {} {} by key {} ({}) from {}: {}", filename, route.stage(), project, fileVersion,
                    access.keyId(), access.client(), address, result.added());
            return IndexResponse.text(200, result.added() == PublishPipeline.Added.ADDED ? "OK" : "OK, already uploaded");
        } catch (FileExistsException e) {
            return IndexResponse.text(400, e.getMessage()).reasonPhrase("File already exists");
        } catch (InvalidDistributionException e) {
            return bad(e.getMessage());
        } catch (io.pypub.core.storage.ReleaseExistsException | io.pypub.core.storage.PublishConflictException e) {
            return IndexResponse.text(409, "Conflict: " + e.getMessage());
        }
    }

    /**
     * {@code :action=doc_upload}: a zip of HTML for a release the stage already has, stored exactly like pdoc's output
     * (a new docs prefix, then the record), so the release's docs URL serves it. A bad zip is 400 and stores nothing.
     */
    private IndexResponse uploadDocs(UploadForm form, Path dir, IndexRoute.Upload route, Admission access, IndexRequest request,
            String version, String project) throws IOException {
        if (form.contentFile == null) {
            return bad("the form has no zip in its 'content' part");
        }
        Version v;
        try {
            v = Version.parse(version.strip());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        Path zip = Files.move(form.contentFile, dir.resolve("docs.zip"));
        Path html = Files.createDirectories(dir.resolve("html"));
        String by = "uploaded by key " + access.keyId() + " (client " + access.client() + ") from address " + request.remoteAddress();
        try {
            DocsZip.extract(zip, html);
            Release r = pipeline.addDocs(route.stage(), project, v, html, LOG_AS_PUBLISH_LOG);
            changes.record(AuditEvent.of("docs", by).stage(route.stage().name()).project(project).version(r.version().toString())
                    .detail("docs_prefix", r.docsPrefix()).finish(AuditEvent.OK, "Uploaded docs of " + r.displayName() + " "
                            + r.version()));
            LOG.info("Docs of {} {} in {} uploaded by key {} ({}) from {}: {}", project, r.version(), route.stage(), access.keyId(),
                    access.client(), request.remoteAddress(), r.docsPrefix());
            String url = "/" + route.stage() + "/docs/" + project + "/" + r.version() + "/";
            return IndexResponse.text(200, "OK, docs at " + (publicUrl == null ? url : publicUrl + url));
        } catch (io.pypub.core.error.PublishException e) {
            return bad(e.getMessage());
        } catch (io.pypub.core.storage.ReleaseExistsException | io.pypub.core.storage.PublishConflictException e) {
            return IndexResponse.text(409, "Conflict: " + e.getMessage());
        }
    }

    private static IndexResponse tooLarge(IndexRoute.Upload route, long maxBytes) {
        return IndexResponse.text(413, "The upload is larger than stage '" + route.stage() + "' accepts (" + UploadLimits.describe(maxBytes)
                + ", the upload-max-bytes setting); nothing was recorded");
    }

    private static IndexResponse bad(String reason) {
        return IndexResponse.text(400, "Bad request: " + reason);
    }
}
