package io.pypub.core.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * HTTP Basic credentials for reading another index (for a pypub index: user {@code __token__}, the
 * API key as password). They come from the URL's user-info, a netrc file or stdin, never from
 * anything that is printed: {@link #toString} shows the user name only.
 */
public final class IndexCredentials {
    private final String username;
    private final String password;

    public IndexCredentials(String username, String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("Empty password for the source index");
        }
        this.username = username == null || username.isEmpty() ? "__token__" : username;
        this.password = password;
    }

    public String username() {
        return username;
    }

    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The credentials in a URL's user-info ({@code https://user:password@host/}), percent-decoded. */
    public static Optional<IndexCredentials> fromUserInfo(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return Optional.empty();
        }
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? "" : decode(info.substring(colon + 1));
        if (password.isEmpty()) {
            return Optional.empty(); // a user name alone: the password may come from stdin or netrc
        }
        return Optional.of(new IndexCredentials(user, password));
    }

    /** The user name of a URL's user-info without a password, if any. */
    public static Optional<String> userOnly(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || info.isEmpty() || info.contains(":") && info.indexOf(':') < info.length() - 1) {
            return Optional.empty();
        }
        String user = decode(info.endsWith(":") ? info.substring(0, info.length() - 1) : info);
        return user.isEmpty() ? Optional.empty() : Optional.of(user);
    }

    /** The URL without user-info (and so without a password): the form that may be printed. */
    public static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        String s = url.toString();
        int scheme = s.indexOf("://");
        int at = s.indexOf('@', scheme + 3);
        return URI.create(s.substring(0, scheme + 3) + s.substring(at + 1));
    }

    /**
     * The entry for {@code host} in a netrc file ({@code machine HOST login USER password PASS}, or
     * {@code default}), as pip and curl read it. A missing file means no credentials.
     */
    public static Optional<IndexCredentials> fromNetrc(Path netrc, String host) {
        if (netrc == null || !Files.isRegularFile(netrc)) {
            return Optional.empty();
        }
        List<String> tokens = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(netrc, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.startsWith("#")) {
                    continue;
                }
                for (String word : t.split("\\s+")) {
                    if (!word.isEmpty()) {
                        tokens.add(word);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read " + netrc + ": " + e.getMessage());
        }
        IndexCredentials fallback = null;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            boolean machine = t.equals("machine") && i + 1 < tokens.size();
            if (!machine && !t.equals("default")) {
                continue;
            }
            String name = machine ? tokens.get(++i) : null;
            String login = null;
            String password = null;
            while (i + 1 < tokens.size() && !tokens.get(i + 1).equals("machine") && !tokens.get(i + 1).equals("default")) {
                String k = tokens.get(++i);
                String v = i + 1 < tokens.size() ? tokens.get(++i) : "";
                if (k.equals("login")) {
                    login = v;
                } else if (k.equals("password")) {
                    password = v;
                }
            }
            if (password == null || password.isEmpty()) {
                continue;
            }
            if (machine && name.equalsIgnoreCase(host)) {
                return Optional.of(new IndexCredentials(login, password));
            }
            if (!machine && fallback == null) {
                fallback = new IndexCredentials(login, password);
            }
        }
        return Optional.ofNullable(fallback);
    }

    /** {@code $NETRC}, else {@code ~/.netrc}. */
    public static Path defaultNetrc() {
        String env = System.getenv("NETRC");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".netrc");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "IndexCredentials[" + username + ", password hidden]";
    }
}
