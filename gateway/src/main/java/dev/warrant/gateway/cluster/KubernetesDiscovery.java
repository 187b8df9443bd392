package dev.warrant.gateway.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Members find each other by looking up a headless Kubernetes Service in DNS (Hazelcast's Kubernetes discovery in
 * DNS lookup mode): every address the name resolves to is a member to join. No Kubernetes API access, hence no RBAC
 * (docs/ARCHITECTURE.md §5, §11.26).
 *
 * @param serviceDns the headless Service's DNS name, e.g. {@code warrant-cluster.warrant.svc.cluster.local}
 * @param timeout    how long one lookup may take
 */
public record KubernetesDiscovery(String serviceDns, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** RFC 1123 labels separated by dots, as Kubernetes names Services. */
    private static final Pattern DNS_NAME =
            Pattern.compile("(?i)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\\.?");

    public KubernetesDiscovery {
        Objects.requireNonNull(serviceDns, "serviceDns");
        Objects.requireNonNull(timeout, "timeout");
        if (serviceDns.length() > 253 || !DNS_NAME.matcher(serviceDns).matches()) {
            throw new IllegalArgumentException("serviceDns: not a DNS name: " + serviceDns);
        }
        // Hazelcast takes the timeout in whole seconds.
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.toNanosPart() != 0) {
            throw new IllegalArgumentException("serviceDnsTimeout: must be whole seconds, at least PT1S: " + timeout);
        }
    }
}
