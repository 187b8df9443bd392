package dev.warrant.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code cluster.discovery: kubernetes} selects Hazelcast's Kubernetes discovery in DNS lookup mode. Checked on the
 * Hazelcast Config the member would start with; no member is started (it would look the Service up).
 */
class KubernetesDiscoveryConfigTest {

    private static final String KEYS =
            "keys: [ { id: root, publicKey: \"" + SigningKey.generate("root").publicKey().hex() + "\" } ]\n";

    private static GatewayConfig parse(Map<String, String> env, String yaml) {
        return new ConfigLoader(env).parse(KEYS + yaml, null);
    }

    private static Config hazelcastConfig(GatewayConfig c) {
        return ClusterNode.config(c.clusterName(), c.host(), c.clusterPort(), c.clusterMembers(), c.clusterKubernetes());
    }

    @Test
    void kubernetesDiscoveryJoinsThroughTheServiceDnsNameWithTcpIpOff() {
        GatewayConfig c = parse(Map.of("POD_NAMESPACE", "prod"), """
                listen: { host: 0.0.0.0 }
                cluster:
                  port: 5801
                  discovery: kubernetes
                  kubernetes: { serviceDns: "warrant-cluster.${env:POD_NAMESPACE}.svc.cluster.local", serviceDnsTimeout: PT7S }
                """);
        assertThat(c.clusterKubernetes()).contains(
                new KubernetesDiscovery("warrant-cluster.prod.svc.cluster.local", Duration.ofSeconds(7)));

        JoinConfig join = hazelcastConfig(c).getNetworkConfig().getJoin();
        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        assertThat(join.getKubernetesConfig().getProperties()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "service-dns", "warrant-cluster.prod.svc.cluster.local",
                "service-dns-timeout", "7",
                "service-port", "5801"));
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
        join.verify(); // Hazelcast's own check: exactly one way to join
        // 0.0.0.0 names no interface: Hazelcast picks the pod's address.
        assertThat(hazelcastConfig(c).getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    }

    @Test
    void theDefaultIsTheMemberListWithKubernetesOff() {
        GatewayConfig c = parse(Map.of(), "cluster: { members: [ \"127.0.0.1:5701\" ] }\n");
        assertThat(c.clusterKubernetes()).isEmpty();
        JoinConfig join = hazelcastConfig(c).getNetworkConfig().getJoin();
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701");

        GatewayConfig explicit = parse(Map.of(), "cluster: { discovery: members }\n");
        assertThat(explicit.clusterKubernetes()).isEmpty();
    }

    @Test
    void theTimeoutDefaultsToFiveSeconds() {
        GatewayConfig c = parse(Map.of(), "cluster: { discovery: kubernetes, kubernetes: { serviceDns: warrant-cluster } }\n");
        assertThat(hazelcastConfig(c).getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-dns-timeout"))
                .isEqualTo("5");
    }

    @Test
    void mistakesNameTheSettingInOneLine() {
        refused("cluster: { discovery: dns }\n", "cluster.discovery: must be members or kubernetes, not dns");
        refused("cluster: { discovery: kubernetes }\n", "cluster.kubernetes.serviceDns: required");
        refused("cluster: { discovery: kubernetes, kubernetes: { } }\n", "cluster.kubernetes.serviceDns: required");
        refused("cluster: { discovery: kubernetes, kubernetes: { serviceDns: \"not a name\" } }\n",
                "cluster.kubernetes.serviceDns: not a DNS name");
        refused("cluster: { discovery: kubernetes, kubernetes: { serviceDns: a.b, serviceDnsTimeout: PT0.5S } }\n",
                "cluster.kubernetes.serviceDnsTimeout: must be whole seconds");
        refused("cluster: { discovery: kubernetes, kubernetes: { serviceDns: a.b, serviceDnsTimeout: soon } }\n",
                "cluster.kubernetes.serviceDnsTimeout: not an ISO-8601 duration");
        refused("cluster: { discovery: kubernetes, kubernetes: { serviceDns: a.b, serviceName: x } }\n",
                "cluster.kubernetes.serviceName: unknown setting");
        refused("cluster: { kubernetes: { serviceDns: a.b } }\n",
                "cluster.kubernetes: only used with cluster.discovery: kubernetes");
        refused("cluster: { discovery: kubernetes, kubernetes: { serviceDns: a.b }, members: [ \"10.0.0.1\" ] }\n",
                "cluster.members: not used with cluster.discovery: kubernetes");
        // The environment's member list contradicts it the same way.
        assertThatThrownBy(() -> parse(Map.of("WARRANT_CLUSTER_MEMBERS", "10.0.0.1"),
                "cluster: { discovery: kubernetes, kubernetes: { serviceDns: a.b } }\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cluster.members: not used");
    }

    private static void refused(String yaml, String messageStart) {
        assertThatThrownBy(() -> parse(Map.of(), yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(messageStart)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
