package dev.warrant.gateway.console;

/**
 * The one place console text becomes HTML: everything a page shows that did not come from the page's own
 * literals goes through {@link #text} (element content and quoted attribute values alike).
 */
final class Html {

    private Html() {
    }

    /** {@code s} escaped for element content or a double-quoted attribute; null shows as empty. */
    static String text(Object s) {
        if (s == null) {
            return "";
        }
        String v = s.toString();
        StringBuilder out = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Control characters (other than tab and newline) never reach the page.
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A hidden form field carrying the session's CSRF token, for forms that work without JavaScript. */
    static String csrfField(String csrf) {
        return "<input type=\"hidden\" name=\"" + ConsoleGuard.CSRF_FIELD + "\" value=\"" + text(csrf) + "\">";
    }
}
