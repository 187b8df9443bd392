package dev.warrant.gateway.console;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The cluster status as the cluster page shows it, from the fields {@code GET /admin/status} answers
 * (docs/ARCHITECTURE.md §5.8): per member its readiness, upstreams with their health and tools, the policy set in
 * force with the last refused change first, the identity mapping's last error and its sessions.
 */
final class ClusterView {

    private ClusterView() {
    }

    static String html(JsonObject status) {
        JsonArray members = status.getJsonArray("members", new JsonArray());
        StringBuilder out = new StringBuilder("<section id=\"cluster\">");
        out.append("<p class=\"summary\"><a class=\"refresh\" id=\"refresh\" href=\"").append(ClusterPage.PATH)
                .append("\" hx-get=\"").append(ClusterPage.PATH)
                .append("\" hx-target=\"#cluster\" hx-swap=\"outerHTML\">Refresh</a> ")
                .append(members.size()).append(members.size() == 1 ? " member" : " members").append(", ")
                .append("<span id=\"approvals-pending\">").append(status.getInteger("approvalsPending", 0))
                .append("</span> held calls pending")
                .append(status.getBoolean("complete", true) ? ""
                        : " <strong class=\"incomplete\">(not every member answered in time)</strong>")
                .append("</p>");
        for (Object o : members) {
            out.append(member((JsonObject) o));
        }
        return out.append("</section>").toString();
    }

    private static String member(JsonObject m) {
        StringBuilder out = new StringBuilder("<article class=\"member\" data-member=\"")
                .append(Html.text(m.getString("id"))).append("\"><h2>Member <code>").append(Html.text(m.getString("id")))
                .append("</code>").append(m.getBoolean("self", false) ? " <small class=\"self\">(this one)</small>" : "")
                .append("</h2>");
        if (!m.getBoolean("answered", false)) {
            return out.append("<dl>").append(row("Address", Html.text(m.getString("address")))).append("</dl>")
                    .append("<p class=\"error not-answered\" role=\"alert\">This member did not answer in time.</p>")
                    .append("</article>").toString();
        }
        boolean ready = m.getBoolean("ready", false);
        JsonArray waiting = m.getJsonArray("waitingFor", new JsonArray());
        out.append("<dl>").append(row("Address", Html.text(m.getString("address"))))
                .append(row("Ready", ready ? "<span class=\"ready\">yes</span>"
                        : "<span class=\"not-ready\">no</span>" + (waiting.isEmpty() ? ""
                                : ", waiting for " + Html.text(String.join(", ", waiting.stream().map(String::valueOf).toList())))))
                .append(row("Sessions", Html.text(m.getValue("sessions"))));
        JsonObject identity = m.getJsonObject("identity");
        if (identity != null) {
            String error = identity.getString("mappingLastError");
            out.append(row("Identity mapping", error == null ? "in force"
                    : "<span class=\"error mapping-error\">" + Html.text(error) + "</span>"));
        }
        out.append("</dl>");
        out.append(policies(m.getJsonObject("policies", new JsonObject())));
        out.append("<h3>Upstreams</h3><table class=\"upstreams\"><thead><tr><th>Name</th><th>Transport</th>"
                + "<th>State</th><th>Last error</th><th>Tools</th></tr></thead><tbody>");
        for (Object o : m.getJsonArray("upstreams", new JsonArray())) {
            JsonObject u = (JsonObject) o;
            String error = u.getString("lastError");
            JsonArray tools = u.getJsonArray("toolNames", new JsonArray());
            out.append("<tr class=\"upstream\" data-upstream=\"").append(Html.text(u.getString("name")))
                    .append("\" data-state=\"").append(Html.text(u.getString("state"))).append("\"><td>")
                    .append(Html.text(u.getString("name"))).append("</td><td>")
                    .append(Html.text(u.getString("transport"))).append("</td><td class=\"state\">")
                    .append(Html.text(u.getString("state"))).append("</td><td>")
                    .append(error == null ? "none" : Html.text(error) + (u.getString("lastErrorAt") == null ? ""
                            : " <small>at " + Html.text(u.getString("lastErrorAt")) + "</small>"))
                    .append("</td><td>").append(u.getInteger("tools", tools.size()))
                    .append(tools.isEmpty() ? "" : ": " + Html.text(String.join(", ",
                            tools.stream().map(String::valueOf).toList())))
                    .append("</td></tr>");
        }
        return out.append("</tbody></table></article>").toString();
    }

    private static String policies(JsonObject p) {
        StringBuilder out = new StringBuilder("<h3>Policies in force</h3>");
        JsonObject refused = p.getJsonObject("lastRefused");
        if (refused != null) {
            // The change an operator is waiting on comes first: where it broke and why the old set stays.
            out.append("<div class=\"error refused-policy\" role=\"alert\" id=\"policy-refused\">"
                    + "Last refused change at <code class=\"location\">")
                    .append(Html.text(refused.getString("location", refused.getString("file"))))
                    .append("</code>: ").append(Html.text(refused.getString("message")))
                    .append(" <small>(refused ").append(Html.text(refused.getString("refusedAt")))
                    .append("; the set below stays in force)</small></div>");
        }
        if (!"directory".equals(p.getString("source"))) {
            return out.append("<p class=\"policies\">The built-in defaults (version ")
                    .append(Html.text(p.getValue("version"))).append("): no policy directory is configured.</p>")
                    .toString();
        }
        JsonArray files = p.getJsonArray("files", new JsonArray());
        return out.append("<dl class=\"policies\">")
                .append(row("Directory", "<code>" + Html.text(p.getString("directory")) + "</code>"))
                .append(row("Version", Html.text(p.getValue("version"))))
                .append(row("SHA-256", "<code>" + Html.text(p.getString("sha256")) + "</code>"))
                .append(row("Loaded at", Html.text(p.getString("loadedAt"))))
                .append(row("Files", files.isEmpty() ? "none"
                        : Html.text(String.join(", ", files.stream().map(String::valueOf).toList()))))
                .append(p.getString("lastError") == null ? "" : row("Last error", Html.text(p.getString("lastError"))))
                .append("</dl>").toString();
    }

    private static String row(String label, String valueHtml) {
        return "<dt>" + Html.text(label) + "</dt><dd>" + valueHtml + "</dd>";
    }
}
