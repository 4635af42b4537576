package io.pypub.server.cli;

import io.pypub.core.audit.Redaction;
import io.pypub.core.lifecycle.ImportResult;
import io.pypub.core.lifecycle.IndexCredentials;
import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.lifecycle.SimpleIndexMirror;
import io.pypub.core.util.FileTrees;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.List;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import io.pypub.core.config.Setting;
import io.pypub.core.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Brings a folder, or another simple index, of existing sdists and wheels into a stage. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a folder of existing sdists (.tar.gz) and wheels (e.g. a pypiserver folder), recursively, "
                + "or everything another simple index serves (an http(s):// URL speaking PEP 691 JSON, files checked by sha256): "
                + "one release per project and version, with metadata read from the files. Safe to run again: files "
                + "already there are left alone; a file whose name is recorded with other bytes is skipped (exit 1).")
final class ImportCommand implements Callable<Integer>, CliSettings.Uses {
    @Mixin
    AwsOptions aws;

    @Spec
    CommandSpec spec;

    /** Core's IMPORT settings (how many projects at once). */
    @Override
    public List<Setting<?>> settings() {
        return Settings.group(Setting.Group.IMPORT);
    }

    @Mixin
    ActorOption actor;

    @Parameters(index = "0", description = "Folder holding the files, or the simple index URL (e.g. https://old-index/simple/).")
    String source;

    @Option(names = "--project", split = ",", description = "With a URL: only these projects (default: all the index lists).")
    List<String> projects;

    @Option(names = "--stage", required = true, description = "Stage to import into.")
    String stage;

    @Option(names = "--username", description = "With a URL and --password-stdin: the user name (default: the URL's, else __token__).")
    String username;

    @Option(names = "--password-stdin", description = "With a URL: read the password (a pypub API key) from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--netrc", description = "With a URL: netrc file to look the host up in when no other credentials are given "
            + "(default: $NETRC, else ~/.netrc).")
    Path netrc;

    @Override
    public Integer call() throws IOException {
        Stage target = Stage.of(stage);
        int parallel = CliSettings.config(spec).get(Settings.IMPORT_PARALLEL);
        ConsoleLog log = new ConsoleLog(System.err, false);
        Path folder = Path.of(source);
        Path downloads = null;
        boolean url = source.startsWith("http://") || source.startsWith("https://");
        if (!url && (passwordStdin || username != null || netrc != null)) {
            throw new IllegalArgumentException("--username, --password-stdin and --netrc are for importing from an index URL");
        }
        if (url) {
            URI index = parseUrl(source);
            IndexCredentials credentials = credentials(index);
            downloads = Files.createTempDirectory("pypub-import-");
            try {
                new SimpleIndexMirror(credentials, parallel).download(index, projects == null ? List.of() : projects, downloads, log);
            } catch (RuntimeException e) {
                FileTrees.deleteQuietly(downloads);
                throw e;
            }
            folder = downloads;
        } else if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(Files.exists(folder) ? source + " is not a folder: give the folder that holds the files"
                    : "No such folder: " + source);
        }
        try (AwsClients clients = aws.clients()) {
            String from = downloads == null ? folder.toString() : IndexCredentials.withoutUserInfo(parseUrl(source)).toString();
            ImportResult result = ReleaseImporter.on(clients, parallel).importFolder(folder, target, actor.actor(), from, log);
            System.out.println(result.message());
            if (!result.skipped().isEmpty()) {
                System.err.println("Skipped:");
                result.skipped().forEach(s -> System.err.println("  " + s));
                return 1;
            }
        } finally {
            if (downloads != null) {
                FileTrees.deleteQuietly(downloads);
            }
        }
        return 0;
    }

    /** The URL, or an error that does not repeat it (it may hold a password). */
    private static URI parseUrl(String source) {
        try {
            URI u = new URI(source);
            if (u.getHost() == null) {
                throw new IllegalArgumentException("Not an index URL (no host): " + Redaction.field(source));
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Not a valid index URL: " + Redaction.field(source) + " (" + e.getReason() + ")");
        }
    }

    /** URL user-info, else --password-stdin, else the netrc entry for the host; null for none. */
    private IndexCredentials credentials(URI index) throws IOException {
        boolean inUrl = IndexCredentials.fromUserInfo(index).isPresent();
        if (passwordStdin) {
            if (inUrl) {
                throw new IllegalArgumentException("The URL has a password already: leave out --password-stdin, or the password in the URL");
            }
            String password = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                    .readLine();
            if (password == null || password.isBlank()) {
                throw new IllegalArgumentException("No password on stdin");
            }
            String user = username != null ? username : IndexCredentials.userOnly(index).orElse("__token__");
            return new IndexCredentials(user, password.strip());
        }
        if (inUrl) {
            return null; // the mirror takes them from the URL
        }
        if (netrc != null && !Files.isRegularFile(netrc)) {
            throw new IllegalArgumentException("No such netrc file: " + netrc);
        }
        return IndexCredentials.fromNetrc(netrc != null ? netrc : IndexCredentials.defaultNetrc(), index.getHost()).orElse(null);
    }
}
