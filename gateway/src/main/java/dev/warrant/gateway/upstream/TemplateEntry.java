package dev.warrant.gateway.upstream;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One resource template an upstream listed (RFC 6570 {@code uriTemplate}).
 *
 * <p>Two derived values make templates routable and decidable:
 * <ul>
 *   <li>{@link #matches(String)}: whether a concrete URI could be an expansion (to route a read of a URI no
 *       upstream listed). Simple {@code {x}} expansions match one path segment; every other operator
 *       ({@code {+x}}, {@code {/x}}, {@code {?x}}, ...) matches any text — approximate on purpose, routing only.</li>
 *   <li>{@link #literalPrefix()}: the text before the first expression. A template is listed to a caller who
 *       may read that prefix, i.e. whose resource rights cover every expansion (rights are URI prefixes).</li>
 * </ul>
 */
public record TemplateEntry(String server, String uriTemplate, Map<String, Object> definition) {

    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)[^}]*}");

    public String literalPrefix() {
        int brace = uriTemplate.indexOf('{');
        return brace < 0 ? uriTemplate : uriTemplate.substring(0, brace);
    }

    public boolean matches(String uri) {
        return pattern().matcher(uri).matches();
    }

    private Pattern pattern() {
        StringBuilder regex = new StringBuilder();
        Matcher m = EXPRESSION.matcher(uriTemplate);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(uriTemplate.substring(last, m.start())));
            regex.append(m.group(1).isEmpty() ? "[^/?#]+" : ".*");
            last = m.end();
        }
        regex.append(Pattern.quote(uriTemplate.substring(last)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
