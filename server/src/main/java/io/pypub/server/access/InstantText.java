package io.pypub.server.access;

import java.time.Instant;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, as {@code DateTimeFormatter.ISO_INSTANT} writes it: the fraction
 * in groups of three digits, none for a whole second) with the date and time of day formatted once per second, not
 * once per call: the formatter was about a third of the cost of a request's audit line.
 */
final class InstantText {
    /** A second and its text without the closing {@code Z}. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private InstantText() {}

    static String of(Instant time) {
        long epochSecond = time.getEpochSecond();
        Second second = last;
        if (second.epochSecond() != epochSecond) {
            String whole = Instant.ofEpochSecond(epochSecond).toString();
            second = new Second(epochSecond, whole.substring(0, whole.length() - 1));
            last = second;
        }
        int nano = time.getNano();
        if (nano == 0) {
            return second.text() + "Z";
        }
        int value;
        int digits;
        if (nano % 1_000_000 == 0) {
            value = nano / 1_000_000;
            digits = 3;
        } else if (nano % 1_000 == 0) {
            value = nano / 1_000;
            digits = 6;
        } else {
            value = nano;
            digits = 9;
        }
        StringBuilder out = new StringBuilder(second.text().length() + 11).append(second.text()).append('.');
        String v = Integer.toString(value);
        for (int i = v.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(v).append('Z').toString();
    }
}
