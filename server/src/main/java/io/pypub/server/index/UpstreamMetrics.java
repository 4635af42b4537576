package io.pypub.server.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of the upstream (issue 14), on the index's registry:
 * <pre>
 *   pypub_upstream_pages_total{result=hit|miss|stale|not_found|error}
 *   pypub_upstream_files_total{result=hit|miss|redirect|refused|error}
 *   pypub_upstream_fetch_seconds{kind=page|file}      latency of requests to the upstream
 *   pypub_upstream_errors_total{kind=page|file}        upstream failures (down, timeout, 5xx, bad page, hash mismatch)
 * </pre>
 * Label values are fixed sets: never project names or URLs.
 */
final class UpstreamMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    UpstreamMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void page(String result) {
        counter("pypub.upstream.pages", "Upstream project pages by result", result).increment();
    }

    void file(String result) {
        counter("pypub.upstream.files", "Files of upstream projects by result", result).increment();
    }

    void error(String kind) {
        counters.computeIfAbsent("errors " + kind, k -> Counter.builder("pypub.upstream.errors")
                .description("Upstream requests that failed").tag("kind", kind).register(registry)).increment();
    }

    void fetched(String kind, long nanos) {
        timers.computeIfAbsent(kind, k -> Timer.builder("pypub.upstream.fetch").description("Requests to the upstream")
                .tag("kind", kind).publishPercentileHistogram(false)
                .serviceLevelObjectives(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(250), java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter counter(String name, String description, String result) {
        return counters.computeIfAbsent(name + " " + result, k -> Counter.builder(name).description(description)
                .tag("result", result).register(registry));
    }
}
