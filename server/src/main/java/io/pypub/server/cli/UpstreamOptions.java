package io.pypub.server.cli;

import io.pypub.core.upstream.UpstreamSettings;
import java.util.List;
import picocli.CommandLine.Option;

/** The upstream options of {@code serve} and {@code publish}; the settings themselves are declared in {@link UpstreamSettings}. */
public final class UpstreamOptions {
    @Option(names = "--upstream", split = ";", paramLabel = "STAGE=URL", defaultValue = "${env:PYPUB_UPSTREAM}",
            description = "An upstream simple index of a stage, e.g. dev=https://pypi.org/simple/ (repeat for more, asked in "
                    + "order; env PYPUB_UPSTREAM, ';'-separated). Projects the stage does not have come from it. Credentials in "
                    + "the URL are never logged.")
    List<String> upstreams;

    @Option(names = "--upstream-mode", split = ";", paramLabel = "MODE", defaultValue = "${env:PYPUB_UPSTREAM_MODE:-cache}",
            description = "cache (fetch each file once, verify its sha256, keep it in S3; default) or redirect (302 to the "
                    + "upstream); STAGE=MODE for one stage (env PYPUB_UPSTREAM_MODE).")
    List<String> modes;

    @Option(names = "--private-names", split = ";", paramLabel = "[STAGE=]PATTERNS", defaultValue = "${env:PYPUB_PRIVATE_NAMES}",
            description = "Name patterns never looked up upstream, e.g. dev=acme-*,internal-* or acme-* for every stage "
                    + "(env PYPUB_PRIVATE_NAMES, ';'-separated). Names in the stage and reserved names (pypub names reserve) are "
                    + "private too.")
    List<String> privateNames;

    @Option(names = "--upstream-page-seconds", defaultValue = "${env:PYPUB_UPSTREAM_PAGE_SECONDS:-600}",
            description = "Seconds an upstream project page is reused before it is fetched again (default ${DEFAULT-VALUE}); "
                    + "when the upstream fails, the last good page is served, marked stale.")
    double pageSeconds;

    @Option(names = "--upstream-timeout-seconds", defaultValue = "${env:PYPUB_UPSTREAM_TIMEOUT_SECONDS:-5}",
            description = "Seconds to wait for the upstream before answering from the last good copy or 502 (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    public UpstreamSettings settings() {
        return UpstreamSettings.parse(upstreams, modes, privateNames, pageSeconds, timeoutSeconds);
    }
}
