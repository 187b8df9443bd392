package dev.warrant.policies;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a path-like argument into the form constraints are checked against.
 *
 * <p>Why: a token that allows {@code /notes/public/} must not be satisfied by
 * {@code /notes/public/../private/plan.md}. Upstreams resolve {@code ..}, {@code .} and {@code //} themselves,
 * so the gateway resolves them first and checks what the upstream will actually touch. {@code file://} URIs are
 * percent-decoded (a file server decodes them); plain paths are not (a file server takes them literally, so
 * {@code %2e%2e} in a plain path is a directory name, not a parent reference).
 *
 * <p>Only absolute paths and {@code file:} URIs are paths; anything else is not a path and gets no
 * {@code arg_path} fact, so a path constraint fails closed on it (the constraint uses {@code check all}).
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** The normalized path, or empty when {@code value} is not a path (or is a malformed one). */
    public static Optional<String> normalize(String value) {
        if (value == null || value.isEmpty() || value.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        String path;
        if (value.regionMatches(true, 0, "file:", 0, 5)) {
            Optional<String> fromUri = fileUriPath(value);
            if (fromUri.isEmpty()) {
                return Optional.empty();
            }
            path = fromUri.get();
        } else if (value.startsWith("/")) {
            path = value;
        } else {
            return Optional.empty();
        }
        if (path.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        return Optional.of(resolveDots(path));
    }

    private static Optional<String> fileUriPath(String uri) {
        String rest = uri.substring(5);
        if (rest.startsWith("//")) {
            // file://host/path: only an empty host or localhost names this machine.
            int slash = rest.indexOf('/', 2);
            String host = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            if (!host.isEmpty() && !host.toLowerCase(Locale.ROOT).equals("localhost")) {
                return Optional.empty();
            }
            rest = slash < 0 ? "/" : rest.substring(slash);
        }
        int cut = indexOfAny(rest, '?', '#');
        if (cut >= 0) {
            rest = rest.substring(0, cut);
        }
        if (!rest.startsWith("/")) {
            return Optional.empty();
        }
        try {
            // '+' is a literal plus in a path; URLDecoder would turn it into a space.
            return Optional.of(URLDecoder.decode(rest.replace("+", "%2B"), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformedEscape) {
            return Optional.empty();
        }
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** Resolves "." and ".." segments and collapses repeated slashes; ".." never climbs above "/". */
    private static String resolveDots(String absolute) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : absolute.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        boolean trailingSlash = absolute.endsWith("/") || absolute.endsWith("/.") || absolute.endsWith("/..");
        StringBuilder out = new StringBuilder(absolute.length());
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        if (out.length() == 0) {
            return "/";
        }
        if (trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }
}
