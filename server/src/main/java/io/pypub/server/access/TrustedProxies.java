package io.pypub.server.access;

import io.pypub.server.exchange.IndexRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client's address as the audit log and the failed-login throttle see it. X-Forwarded-For is
 * believed only when the direct peer is a configured proxy; then the rightmost address that is not
 * a trusted proxy is the client (entries left of it could have been written by the client itself).
 */
public final class TrustedProxies {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Range(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Range> ranges;

    /** @param entries IP addresses or CIDR ranges such as {@code 10.0.0.0/8}, {@code ::1} */
    public TrustedProxies(List<String> entries) {
        List<Range> out = new ArrayList<>();
        for (String e : entries) {
            String entry = e.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String ip = entry.contains("/") ? entry.substring(0, entry.indexOf('/')) : entry;
            byte[] bytes = literal(ip);
            if (bytes == null) {
                throw new IllegalArgumentException("Trusted proxy '" + entry + "' is not an IP address or CIDR range");
            }
            int bits = bytes.length * 8;
            if (entry.contains("/")) {
                try {
                    bits = Integer.parseInt(entry.substring(entry.indexOf('/') + 1));
                } catch (NumberFormatException ex) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException("Trusted proxy '" + entry + "' has an invalid prefix length");
                }
            }
            out.add(new Range(bytes, bits));
        }
        this.ranges = List.copyOf(out);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    public boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    public String clientAddress(IndexRequest request) {
        String peer = request.remoteAddress() == null ? "" : request.remoteAddress();
        String forwarded = request.header("X-Forwarded-For");
        if (forwarded == null || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (literal(hop) == null) {
                break; // garbage from somewhere: keep the last address we could trust
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return client;
    }

    /** The address bytes of an IP literal, or null; never a DNS lookup (a hostile header must not make us resolve names). */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
