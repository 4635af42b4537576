package io.pypub.server.index;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of the index: request count and latency by route and status (route is a
 * fixed set of names, never the raw path, so cardinality stays bounded), plus JVM memory.
 */
public final class IndexMetrics {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Routes are a fixed set and statuses few, so this stays small; building a Timer per request cost more than recording. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public IndexMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
    }

    public void record(String route, int status, long nanos) {
        timers.computeIfAbsent(route + ' ' + status, k -> Timer.builder("pypub.index.requests")
                .description("Index requests by route and status")
                .tags("route", route, "status", Integer.toString(status))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The registry, for other meters of the index (the upstream's). */
    public io.micrometer.core.instrument.MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition format. */
    public String scrape() {
        return registry.scrape();
    }
}
