package dev.warrant.gateway.console;

/**
 * The frame every console page shares: the stylesheet and scripts (served from this origin only), the navigation
 * the operator's rights allow, who is signed in and the sign-out form. The CSRF token rides on the body for htmx's
 * requests ({@code hx-headers:inherited}: htmx 4 inherits nothing unless told) and in every form for requests
 * without JavaScript.
 */
final class Layout {

    private Layout() {
    }

    static String page(String title, Operator op, ConsoleGuard guard, ConsolePage current, String body) {
        StringBuilder nav = new StringBuilder();
        for (ConsolePage p : guard.pagesFor(op.token())) {
            nav.append("<a href=\"").append(p.path()).append('"')
                    .append(p == current ? " aria-current=\"page\"" : "").append('>')
                    .append(Html.text(p.title())).append("</a>");
        }
        return head(title)
                + "<body hx-headers:inherited='{\"" + ConsoleGuard.CSRF_HEADER + "\": \"" + Html.text(op.csrf()) + "\"}'>"
                + "<header><span class=\"brand\">Warrant</span><nav>" + nav + "</nav>"
                + "<form class=\"signout\" method=\"post\" action=\"/console/logout\">" + Html.csrfField(op.csrf())
                + "<span class=\"operator\" id=\"operator\">" + Html.text(op.name()) + "</span>"
                + "<button type=\"submit\">Sign out</button></form></header>"
                + "<main id=\"main\">" + body + "</main></body></html>";
    }

    /** A page for someone not signed in (sign-in, errors before sign-in). */
    static String bare(String title, String body) {
        return bare(title, body, "");
    }

    /** {@code extraHead}: markup of our own for the head (a refresh), never text from a request. */
    static String bare(String title, String body, String extraHead) {
        return head(title, extraHead) + "<body><header><span class=\"brand\">Warrant</span></header><main id=\"main\">"
                + body + "</main></body></html>";
    }

    private static String head(String title) {
        return head(title, "");
    }

    private static String head(String title, String extraHead) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + Html.text(title) + " · Warrant</title>"
                + "<link rel=\"icon\" href=\"/console/static/favicon.svg\">"
                + "<link rel=\"stylesheet\" href=\"/console/static/console.css\">"
                + "<script src=\"/console/static/htmx.min.js\" defer></script>"
                + "<script src=\"/console/static/console.js\" defer></script>" + extraHead + "</head>";
    }
}
