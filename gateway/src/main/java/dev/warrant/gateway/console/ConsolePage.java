package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.approval.ApprovalApi;

/**
 * The console's pages, in navigation order, each with the admin right that shows it: the same right the matching
 * admin API route asks for, so the console can never show more than the API would.
 */
enum ConsolePage {
    APPROVALS("/console/approvals", "Approvals", ApprovalApi.READ),
    AUDIT("/console/audit", "Audit", "audit.read"),
    INSPECT("/console/inspect", "Token inspector", "tokens.inspect"),
    CLUSTER("/console/cluster", "Cluster", AdminApi.CLUSTER_READ);

    private final String path;
    private final String title;
    private final String right;

    ConsolePage(String path, String title, String right) {
        this.path = path;
        this.title = title;
        this.right = right;
    }

    String path() {
        return path;
    }

    String title() {
        return title;
    }

    String right() {
        return right;
    }
}
