package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.RevocationRequest;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.record.search.AuditEntry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One audit line as a table row: when, what was decided and why, who (the chain in one line), what, the trace,
 * and, for an operator who may revoke, the revocations it can start: each agent of the chain, the task, or one
 * block of the token (by revocation id). Each starts at the confirmation page, never revokes at once.
 */
final class AuditView {

    private AuditView() {
    }

    /**
     * The member that wrote the line (a search spans the cluster): its id's first 8 characters, the whole id (as the
     * cluster page shows it) on hover.
     */
    private static String member(String id) {
        if (id == null || id.isEmpty()) {
            return "";
        }
        return "<br><small class=\"member\" title=\"" + Html.text(id) + "\">member "
                + Html.text(id.length() > 8 ? id.substring(0, 8) : id) + "</small>";
    }

    /** Who released or refused a held call, in their words when they gave some. */
    private static String decidedBy(AuditEntry e) {
        return (Reason.APPROVAL_DENIED.code().equals(e.reason()) ? "denied by " : "approved by ") + e.approver()
                + (e.approverReason() == null ? "" : ": " + e.approverReason());
    }

    static String row(AuditEntry e, boolean mayRevoke, Optional<String> traceUrl) {
        StringBuilder out = new StringBuilder("<tr class=\"audit-line\" data-seq=\"").append(e.seq()).append("\">")
                .append("<td>").append(Html.text(e.time() == null ? "" : e.time().toString()))
                .append(member(e.member())).append("</td>")
                .append("<td class=\"decision-").append(Html.text(e.decision())).append("\">").append(Html.text(e.decision()))
                .append("<br><small>").append(Html.text(e.reason())).append("</small></td>")
                .append("<td>").append(ChainWords.line(e.chain().isEmpty() && e.caller() != null ? List.of(e.caller()) : e.chain()))
                .append(e.task() == null ? "" : "<br><small>task " + Html.text(e.task()) + "</small>").append("</td>")
                .append("<td>").append(Html.text(e.method())).append(e.target() == null ? "" : " <code>"
                        + Html.text(e.target()) + "</code>")
                .append(e.riskTier() == null ? "" : "<br><small>risk " + Html.text(e.riskTier()) + "</small>")
                .append(e.approver() == null ? "" : "<br><small>" + Html.text(decidedBy(e)) + "</small>")
                .append("</td>")
                .append("<td>").append(trace(e.traceId(), traceUrl)).append("</td>");
        out.append("<td class=\"actions\">");
        if (mayRevoke) {
            for (String agent : e.chain()) {
                out.append(link(RevocationRequest.AGENT, agent, "agent " + agent));
            }
            if (e.task() != null) {
                out.append(link(RevocationRequest.TASK, e.task(), "task " + e.task()));
            }
            List<String> ids = e.revocationIds();
            for (int i = 0; i < ids.size(); i++) {
                out.append(link(RevocationRequest.REVOCATION_ID, ids.get(i), "block " + i + (i == 0 ? " (minted)" : "")));
            }
        }
        return out.append("</td></tr>").toString();
    }

    static String header() {
        return "<thead><tr><th>Time</th><th>Decision</th><th>Chain</th><th>Call</th><th>Trace</th>"
                + "<th>Revoke…</th></tr></thead>";
    }

    private static String trace(String traceId, Optional<String> traceUrl) {
        if (traceId == null) {
            return "";
        }
        if (traceUrl.isEmpty()) {
            return "<code class=\"trace\">" + Html.text(traceId) + "</code>";
        }
        return "<a class=\"trace\" href=\"" + Html.text(traceUrl.get().replace("{traceId}", traceId)) + "\">"
                + Html.text(traceId) + "</a>";
    }

    private static String link(String param, String value, String label) {
        return "<a class=\"revoke-link\" data-kind=\"" + param + "\" href=\"" + RevokePage.PATH + "?" + param + "="
                + Html.text(URLEncoder.encode(value, StandardCharsets.UTF_8)) + "\">" + Html.text(label) + "</a> ";
    }
}
