package dev.warrant.gateway.approval;

import dev.warrant.gateway.config.ConfigException;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The config's {@code approvals:} section: what approvers see of a held call and who is told about it.
 * <pre>
 * approvals:
 *   showArguments: false                       # the default: approvers see the arguments' digest only
 *   consoleUrl: https://warrant.example.org    # links in webhooks; default: this member's own address
 *   webhooks:
 *     - { url: "https://hooks.example.org/warrant", secretFile: secrets/webhook.key, timeout: PT10S }
 * </pre>
 *
 * @param showArguments whether held calls carry their arguments to approvers (console, admin API); off, only the
 *                      digest does, as in the audit log (they may hold secrets or personal data)
 * @param consoleUrl    the base URL approvers reach the console at; the webhook's link is
 *                      {@code <consoleUrl>/console/approvals/<id>}
 * @param webhooks      the receivers told of every held call
 */
public record ApprovalSettings(boolean showArguments, Optional<URI> consoleUrl, List<WebhookSettings> webhooks) {

    public ApprovalSettings {
        consoleUrl = consoleUrl == null ? Optional.empty() : consoleUrl;
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        consoleUrl.ifPresent(u -> {
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                throw new ConfigException("approvals.consoleUrl: must be an http(s) URL with a host");
            }
            if (u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                throw new ConfigException("approvals.consoleUrl: a base URL, without query, fragment or user info");
            }
        });
    }

    public static ApprovalSettings defaults() {
        return new ApprovalSettings(false, Optional.empty(), List.of());
    }

    /** The link to one held call in the console, under {@code base} unless {@link #consoleUrl} is set. */
    public String link(String base, String approvalId) {
        String root = consoleUrl.map(URI::toString).orElse(base);
        if (root.endsWith("/")) {
            root = root.substring(0, root.length() - 1);
        }
        return root + "/console/approvals/" + approvalId;
    }
}
