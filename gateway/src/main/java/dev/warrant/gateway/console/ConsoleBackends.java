package dev.warrant.gateway.console;

import dev.warrant.gateway.admin.GatewayStatus;
import dev.warrant.gateway.admin.RevocationPreview;
import dev.warrant.gateway.admin.TokenInspection;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.record.search.AuditSearchApi;

import java.time.Duration;

/**
 * The services the console's pages call in-process: the same ones behind the admin API routes, so a page and the
 * matching route can never disagree.
 *
 * @param maxTokenTtl how long a revocation entry must live (tokens.maxTtl)
 */
public record ConsoleBackends(ClusterApprovals approvals, AuditSearchApi auditSearch, RevocationPreview preview,
                              ClusterRevocations revocations, TokenInspection inspection, GatewayStatus status,
                              Duration maxTokenTtl) {
}
