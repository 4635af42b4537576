package io.pypub.server.index;

import java.util.List;
import java.util.Locale;

/**
 * The simple API's serializations and PEP 691 content negotiation over the Accept header.
 */
public enum SimpleFormat {
    JSON("application/vnd.pypi.simple.v1+json"),
    HTML_V1("application/vnd.pypi.simple.v1+html"),
    HTML("text/html");

    private final String mediaType;

    SimpleFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String contentType() {
        return this == JSON ? mediaType : mediaType + "; charset=utf-8";
    }

    public boolean isJson() {
        return this == JSON;
    }

    /**
     * Picks the format the client prefers; HTML when there is no Accept header, null when
     * nothing the client accepts is offered (answered with 406).
     */
    public static SimpleFormat negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return HTML;
        }
        SimpleFormat best = null;
        double bestQ = 0;
        int bestRank = Integer.MAX_VALUE;
        for (String part : accept.split(",")) {
            String[] params = part.strip().split(";");
            String type = params[0].strip().toLowerCase(Locale.ROOT);
            double q = 1.0;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].strip();
                if (p.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            for (SimpleFormat f : candidates(type)) {
                // On equal q, prefer the order of candidates: JSON, versioned HTML, text/html.
                int rank = f.ordinal();
                if (q > 0 && (q > bestQ || (q == bestQ && rank < bestRank))) {
                    best = f;
                    bestQ = q;
                    bestRank = rank;
                }
            }
        }
        return best;
    }

    private static List<SimpleFormat> candidates(String type) {
        return switch (type) {
            case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json" -> List.of(JSON);
            case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html" -> List.of(HTML_V1);
            case "text/html", "text/*" -> List.of(HTML);
            case "*/*" -> List.of(HTML);
            default -> List.of();
        };
    }
}
