package dev.warrant.gateway.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One token explanation as the inspector shows it, from the fields {@code POST /admin/inspect} answers
 * ({@link dev.warrant.gateway.inspect.TokenExplanation}): accepted or not and why, who holds it, the chain in plain
 * words, each block's narrowing, the effective rights, and the full text in a {@code <pre>}.
 */
final class InspectionView {

    private InspectionView() {
    }

    static String html(JsonObject x) {
        boolean verified = x.getBoolean("verified", false);
        String reason = x.getString("reason");
        StringBuilder out = new StringBuilder("<article class=\"inspection\" data-verified=\"").append(verified)
                .append('"').append(reason == null ? "" : " data-reason=\"" + Html.text(reason) + "\"").append('>');
        out.append(verified
                ? "<p class=\"verdict ok\" id=\"verdict\" role=\"status\">Verified: this gateway accepts the token"
                        + " (root key <code>" + Html.text(x.getString("rootKeyId")) + "</code>).</p>"
                : "<p class=\"verdict refused\" id=\"verdict\" role=\"status\">Not verified: <strong class=\"reason\">"
                        + Html.text(reason) + "</strong>"
                        + (x.getBoolean("signatureValid", false) ? " (the signatures are valid)"
                                : " (the signatures could not be checked against the root keys:"
                                        + " what follows is what the token claims)") + "</p>");
        JsonObject identity = x.getJsonObject("identity");
        out.append("<dl>")
                .append(row("Agent", Html.text(x.getString("agent"))))
                .append(row("Holder", Html.text(x.getString("holder"))))
                .append(row("Chain", ChainWords.html(strings(x.getJsonArray("chain")), x.getString("task"))))
                .append(identity == null ? "" : row("Identity", Html.text(identity.getString("subject"))
                        + " <small>issued by " + Html.text(identity.getString("issuer")) + "</small>"))
                .append(row("Issued", Html.text(orDash(x.getString("issuedAt")))))
                .append(row("Expires", Html.text(orDash(x.getString("expiresAt")))))
                .append("</dl>");
        out.append("<h2>Blocks</h2><ol class=\"blocks\">");
        for (Object o : x.getJsonArray("blocks", new JsonArray())) {
            JsonObject b = (JsonObject) o;
            String from = b.getString("from");
            String to = b.getString("to");
            out.append("<li class=\"block\"><span class=\"kind\">").append(Html.text(b.getString("kind"))).append("</span>")
                    .append(from == null && to == null ? "" : " " + Html.text(orDash(from)) + " → " + Html.text(orDash(to)))
                    .append(" <small>revocation id <code>").append(Html.text(b.getString("revocationId")))
                    .append("</code></small>")
                    .append(list("narrowing", b.getJsonArray("narrowing")))
                    .append(b.getJsonArray("warnings", new JsonArray()).isEmpty() ? ""
                            : list("warnings", b.getJsonArray("warnings")))
                    .append("</li>");
        }
        out.append("</ol>");
        JsonObject e = x.getJsonObject("effective", new JsonObject());
        out.append("<h2>Effective rights</h2><dl class=\"effective\">")
                .append(row("Rights", list("rights", e.getJsonArray("rights"))))
                .append(row("Argument constraints", list("constraints", e.getJsonArray("argumentConstraints"))))
                .append(row("Peers", list("peers", e.getJsonArray("peers"))))
                .append(row("Other checks", list("checks", e.getJsonArray("otherChecks"))))
                .append("</dl>");
        JsonArray warnings = x.getJsonArray("warnings", new JsonArray());
        if (!warnings.isEmpty()) {
            out.append("<h2>Warnings</h2>").append(list("warnings", warnings));
        }
        out.append("<h2>Explanation</h2><pre class=\"explanation\" id=\"explanation\">")
                .append(Html.text(x.getString("explanation"))).append("</pre>");
        return out.append("</article>").toString();
    }

    /** Input the inspector could not read at all (empty, oversized, not a token): only the reason. */
    static String refused(String code, String message) {
        return "<div class=\"error\" role=\"alert\" data-reason=\"" + Html.text(code) + "\"><strong>" + Html.text(code)
                + "</strong> " + Html.text(message) + "</div>";
    }

    private static String row(String label, String valueHtml) {
        return "<dt>" + Html.text(label) + "</dt><dd>" + valueHtml + "</dd>";
    }

    private static String list(String cssClass, JsonArray items) {
        if (items == null || items.isEmpty()) {
            return "<span class=\"none\">none</span>";
        }
        StringBuilder out = new StringBuilder("<ul class=\"").append(cssClass).append("\">");
        for (Object item : items) {
            out.append("<li>").append(Html.text(item)).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? List.of() : array.stream().map(String::valueOf).toList();
    }

    private static String orDash(String s) {
        return s == null ? "—" : s;
    }
}
