package io.pypub.core.config;

import io.pypub.core.release.Stage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The largest upload the index accepts, per stage: {@code 100MB} (every stage) or
 * {@code 100MB,dev=200MB,prod=50MB} (a default, then stages that differ; without a default, 100 MB).
 * Sizes are bytes, or a number with {@code KB}, {@code MB}, {@code GB} (powers of 1000, as PyPI states
 * its limits) or {@code KiB}, {@code MiB}, {@code GiB}.
 *
 * @param perStage the stages whose limit differs from {@code defaultBytes}
 */
public record UploadLimits(long defaultBytes, Map<String, Long> perStage) {
    /** 100 MB, PyPI's default limit too. */
    public static final long DEFAULT_BYTES = 100L * 1000 * 1000;
    public static final UploadLimits DEFAULT = new UploadLimits(DEFAULT_BYTES, Map.of());
    static final String RULE = "a size like 100MB, optionally followed by per-stage sizes: 100MB,dev=200MB,prod=50MB";
    private static final long MAX = 1000L * 1000 * 1000 * 1000; // 1 TB: beyond that a typo, not a limit
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,13})\\s*(B|KB|MB|GB|KIB|MIB|GIB)?");

    public UploadLimits {
        perStage = Map.copyOf(perStage);
    }

    /** The limit of {@code stage}. */
    public long forStage(Stage stage) {
        return perStage.getOrDefault(stage.name(), defaultBytes);
    }

    public static UploadLimits parse(String text) {
        long fallback = DEFAULT_BYTES;
        boolean defaultSeen = false;
        Map<String, Long> stages = new LinkedHashMap<>();
        for (String item : text.split(",")) {
            String part = item.strip();
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (defaultSeen) {
                    throw new IllegalArgumentException("expected " + RULE + " (two sizes without a stage)");
                }
                defaultSeen = true;
                fallback = bytes(part);
                continue;
            }
            String stage = part.substring(0, eq).strip();
            try {
                Stage.of(stage);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("expected " + RULE + " ('" + io.pypub.core.project.ProjectName.printable(stage)
                        + "' is not a stage name)");
            }
            if (stages.put(stage, bytes(part.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("expected " + RULE + " (stage " + stage + " twice)");
            }
        }
        if (!defaultSeen && stages.isEmpty()) {
            throw new IllegalArgumentException("expected " + RULE);
        }
        return new UploadLimits(fallback, stages);
    }

    /** A size such as {@code 1GiB} or {@code 500MB}, or {@code 0}. */
    public static long sizeOrZero(String text) {
        return text.strip().equals("0") ? 0 : bytes(text);
    }

    private static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + RULE);
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KB" -> 1000L;
            case "MB" -> 1000L * 1000;
            case "GB" -> 1000L * 1000 * 1000;
            case "KIB" -> 1L << 10;
            case "MIB" -> 1L << 20;
            case "GIB" -> 1L << 30;
            default -> 1L;
        };
        long n = Long.parseLong(m.group(1));
        if (n < 1 || n > MAX / unit) {
            throw new IllegalArgumentException("expected " + RULE + " (from 1 byte to 1TB)");
        }
        return n * unit;
    }

    /** A size as people read it: {@code 100 MB}, {@code 52428800 bytes}. */
    public static String describe(long bytes) {
        if (bytes % (1000L * 1000 * 1000) == 0) {
            return bytes / (1000L * 1000 * 1000) + " GB";
        }
        if (bytes % (1000L * 1000) == 0) {
            return bytes / (1000L * 1000) + " MB";
        }
        if (bytes % 1000 == 0) {
            return bytes / 1000 + " KB";
        }
        return bytes + " bytes";
    }
}
