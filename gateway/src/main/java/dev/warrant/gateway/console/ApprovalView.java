package dev.warrant.gateway.console;

import dev.warrant.gateway.approval.PendingApproval;

import java.time.Instant;

/**
 * One held call as the approvals page shows it: everything an approver needs to decide (caller, the chain in
 * plain words, task, tool, risk tier, the deciding policy, the arguments or their digest, time left) and, for an
 * operator who may decide, the approve and deny forms. The forms post without JavaScript; with it, htmx swaps the
 * answer in place.
 */
final class ApprovalView {

    private ApprovalView() {
    }

    static String elementId(String approvalId) {
        return "approval-" + approvalId;
    }

    static String html(PendingApproval p, String csrf, boolean mayDecide) {
        StringBuilder out = new StringBuilder();
        out.append("<article class=\"approval\" id=\"").append(Html.text(elementId(p.id()))).append("\" data-id=\"")
                .append(Html.text(p.id())).append("\">")
                .append("<h2><span class=\"tool\">").append(Html.text(p.tool())).append("</span> for <span class=\"caller\">")
                .append(Html.text(p.caller())).append("</span></h2>")
                .append("<dl>")
                .append(row("Chain", ChainWords.html(p.chain(), p.task())))
                .append(row("Risk tier", Html.text(p.riskTier())))
                .append(row("Allowed by policy", "<code>" + Html.text(p.policy()) + "</code>"))
                .append(p.arguments() != null
                        ? row("Arguments", "<pre class=\"arguments\">" + Html.text(p.arguments()) + "</pre>")
                        : row("Argument digest", "<code>" + Html.text(p.argumentDigest()) + "</code>"))
                .append(row("Time left", "<time class=\"expires\" datetime=\""
                        + Instant.ofEpochMilli(p.expiresAtMillis()) + "\" data-expires=\"" + p.expiresAtMillis() + "\">until "
                        + Instant.ofEpochMilli(p.expiresAtMillis()) + "</time>"))
                .append("</dl>");
        if (mayDecide) {
            out.append(form(p.id(), "approve", "Approve", csrf)).append(form(p.id(), "deny", "Deny", csrf));
        }
        return out.append("</article>").toString();
    }

    /** What replaces a held call once this operator decided it. */
    static String decided(PendingApproval p) {
        String verb = p.status() == PendingApproval.Status.APPROVED ? "Approved" : "Denied";
        return "<article class=\"approval decided\" id=\"" + Html.text(elementId(p.id())) + "\" data-id=\""
                + Html.text(p.id()) + "\"><p class=\"outcome\" role=\"status\">" + verb + " by "
                + Html.text(p.approver()) + ": " + Html.text(p.tool()) + " for " + Html.text(p.caller()) + "</p></article>";
    }

    private static String row(String label, String valueHtml) {
        return "<dt>" + Html.text(label) + "</dt><dd>" + valueHtml + "</dd>";
    }

    private static String form(String id, String action, String label, String csrf) {
        String path = "/console/approvals/" + Html.text(id) + "/" + action;
        return "<form class=\"decide " + action + "\" method=\"post\" action=\"" + path + "\" hx-post=\"" + path
                + "\" hx-target=\"closest article\" hx-swap=\"outerHTML\">" + Html.csrfField(csrf)
                + "<input type=\"text\" name=\"reason\" maxlength=\"500\" placeholder=\"Reason (optional)\""
                + " aria-label=\"Reason to " + action + "\">"
                + "<button type=\"submit\" class=\"" + action + "\">" + label + "</button></form>";
    }
}
