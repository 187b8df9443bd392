package dev.warrant.gateway.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header values of upstreams registered through the admin API: text with {@code ${env:NAME}} references,
 * filled in from the gateway host's environment by each member when it connects.
 *
 * <p>Why a namespace: a provider chooses both the URL and the headers, so if it could name any variable it
 * could have the gateway send it the gateway's own secrets ({@code ${env:AWS_SECRET_ACCESS_KEY}} to its own
 * server). An upstream {@code acme-search} may reference only variables named
 * {@code WARRANT_UPSTREAM_ACME_SEARCH_...}: the operator puts a provider's credential there on purpose.
 * ("-" and "_" both map to "_", so names differing only in those share a namespace: issue such provider rights
 * to one provider.)
 */
public final class CredentialTemplates {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([^}]*)}");

    private CredentialTemplates() {
    }

    /** The prefix every variable an upstream's headers reference must have. */
    public static String namespace(String upstream) {
        return "WARRANT_UPSTREAM_" + upstream.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /** The variable names referenced in a template, in order. An unterminated reference is not one. */
    public static List<String> references(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = REFERENCE.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Whether {@code variable} is a well-formed name in the upstream's namespace. */
    public static boolean allowed(String upstream, String variable) {
        String prefix = namespace(upstream);
        return variable.startsWith(prefix) && variable.length() > prefix.length()
                && variable.matches("[A-Z0-9_]{1,128}");
    }

    /**
     * Fills in every reference.
     *
     * @throws IllegalArgumentException naming the first variable that is not set (never a value)
     */
    public static String resolve(String template, Function<String, String> env) {
        Matcher m = REFERENCE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
