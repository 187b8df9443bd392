package dev.warrant.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.cluster.KubernetesDiscovery;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.GatewayConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Kubernetes manifests in deploy/ parse, refer only to objects defined there, agree with the image this build
 * makes, and carry a config that Warrant's own loader accepts and that selects Kubernetes discovery of the headless
 * Service they define. No cluster is needed: everything is checked on the documents.
 */
class DeployManifestsTest {

    private static final String NAMESPACE = "warrant-test";

    /** The kinds deploy/ may use, at the API versions current Kubernetes serves (policy/v1beta1 is gone since 1.25). */
    private static final Map<String, String> API_VERSIONS = Map.of(
            "ConfigMap", "v1", "Secret", "v1", "ServiceAccount", "v1", "Service", "v1",
            "StatefulSet", "apps/v1", "Deployment", "apps/v1", "PodDisruptionBudget", "policy/v1");

    private static DeployManifests deploy;

    @BeforeAll
    static void load() throws IOException {
        deploy = DeployManifests.load();
    }

    @Test
    void everyDocumentIsANamedObjectOfAKnownKindAtACurrentApiVersion() {
        assertThat(deploy.objects()).hasSizeGreaterThanOrEqualTo(7);
        Set<String> seen = new HashSet<>();
        for (JsonNode o : deploy.objects()) {
            String kind = o.path("kind").asText();
            String name = o.path("metadata").path("name").asText();
            assertThat(API_VERSIONS).as("kind of %s", name).containsKey(kind);
            assertThat(o.path("apiVersion").asText()).as("apiVersion of %s %s", kind, name)
                    .isEqualTo(API_VERSIONS.get(kind));
            assertThat(name).as("name of a %s", kind).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
            assertThat(seen.add(kind + "/" + name)).as("%s %s defined twice", kind, name).isTrue();
        }
    }

    @Test
    void theWorkloadReferencesOnlyWhatDeployDefines() {
        JsonNode pod = deploy.podSpec();
        assertThat(deploy.has("ServiceAccount", pod.path("serviceAccountName").asText()))
                .as("ServiceAccount %s", pod.path("serviceAccountName").asText()).isTrue();
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : pod.path("volumes")) {
            volumes.add(v.path("name").asText());
            if (v.has("configMap")) {
                assertThat(deploy.has("ConfigMap", v.path("configMap").path("name").asText()))
                        .as("ConfigMap of volume %s", v.path("name").asText()).isTrue();
            }
            if (v.has("secret")) {
                assertThat(deploy.has("Secret", v.path("secret").path("secretName").asText()))
                        .as("Secret of volume %s", v.path("name").asText()).isTrue();
            }
        }
        deploy.workload().path("spec").path("volumeClaimTemplates")
                .forEach(t -> volumes.add(t.path("metadata").path("name").asText()));
        deploy.container().path("volumeMounts").forEach(m -> assertThat(volumes)
                .as("volume of mount %s", m.path("mountPath").asText()).contains(m.path("name").asText()));

        Map<String, String> selector = strings(deploy.workload().path("spec").path("selector").path("matchLabels"));
        assertThat(selector).isNotEmpty();
        assertThat(podLabels()).containsAllEntriesOf(selector);
        if (deploy.workload().path("kind").asText().equals("StatefulSet")) {
            JsonNode governing = deploy.named("Service", deploy.workload().path("spec").path("serviceName").asText());
            assertThat(governing.path("spec").path("clusterIP").asText()).isEqualTo("None");
        }
    }

    @Test
    void servicesSelectThePodsAndTargetTheirPorts() {
        Map<String, Integer> containerPorts = containerPorts();
        for (JsonNode service : deploy.all("Service")) {
            String name = service.path("metadata").path("name").asText();
            Map<String, String> selector = strings(service.path("spec").path("selector"));
            assertThat(selector).as("selector of Service %s", name).isNotEmpty();
            assertThat(podLabels()).as("pods selected by Service %s", name).containsAllEntriesOf(selector);
            for (JsonNode port : service.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.get("targetPort") : port.get("port");
                if (target.isInt()) {
                    assertThat(containerPorts.values()).as("targetPort of Service %s", name).contains(target.asInt());
                } else {
                    assertThat(containerPorts).as("targetPort of Service %s", name).containsKey(target.asText());
                }
            }
        }
        JsonNode pdb = deploy.one("PodDisruptionBudget");
        assertThat(podLabels()).containsAllEntriesOf(strings(pdb.path("spec").path("selector").path("matchLabels")));
    }

    @Test
    void theConfigMapsConfigLoadsWithWarrantsLoaderAndDiscoversTheHeadlessService(@TempDir Path root)
            throws IOException {
        GatewayConfig config = loadConfig(root);

        JsonNode headless = headlessService();
        String name = headless.path("metadata").path("name").asText();
        assertThat(config.clusterKubernetes()).as("cluster.discovery: kubernetes")
                .map(KubernetesDiscovery::serviceDns).contains(name + "." + NAMESPACE + ".svc.cluster.local");
        // Members must see each other before they are ready, and must be dialled on the port they listen on.
        assertThat(headless.path("spec").path("publishNotReadyAddresses").asBoolean()).isTrue();
        assertThat(servicePort(headless, "cluster")).isEqualTo(config.clusterPort());
        assertThat(containerPorts()).containsEntry("cluster", config.clusterPort());
        assertThat(config.clusterMembers()).isEmpty();

        // Agents reach the members through the other Service, on the port Warrant listens on, by names it accepts.
        JsonNode agentService = deploy.named("Service", "warrant");
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(containerPorts()).containsEntry("agent", config.port());
        int servicePort = servicePort(agentService, "agent");
        assertThat(config.allowedHosts()).contains("warrant:" + servicePort,
                "warrant." + NAMESPACE + ".svc.cluster.local:" + servicePort);

        // A stopping member drains and finishes its calls before the kubelet's deadline, with time left to leave
        // the cluster (Hazelcast's own shutdown).
        long deadline = deploy.podSpec().path("terminationGracePeriodSeconds").asLong(30);
        assertThat(config.shutdown().drain().plus(config.shutdown().grace()).plusSeconds(5).toSeconds())
                .as("shutdown.drain + shutdown.grace + 5 s within terminationGracePeriodSeconds")
                .isLessThanOrEqualTo(deadline);
        assertThat(config.shutdown().drain()).as("shutdown.drain: endpoints removal takes a moment").isPositive();

        // State on the member's own volume, keys from the Secret.
        String stateMount = mountPathOf(deploy.workload().path("spec").path("volumeClaimTemplates").get(0)
                .path("metadata").path("name").asText());
        assertThat(config.stateDir()).isEqualTo(new PodFiles(deploy, root).at(stateMount));
        assertThat(config.rootKeys()).hasSize(1);
    }

    @Test
    void theSecretsPlaceholderKeyIsRefusedSoNoMemberStartsWithoutARealKey(@TempDir Path root) throws IOException {
        PodFiles pod = new PodFiles(deploy, root).write(Map.of());
        assertThatThrownBy(() -> pod.loadConfig(imageConfigFile(), NAMESPACE))
                .as("deploy/secret.yaml in the repository holds a placeholder; a real key belongs to an installation")
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys[0]");
    }

    @Test
    void probesUseThePathsWarrantServesOnTheAgentPort() {
        JsonNode c = deploy.container();
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(c.path("startupProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            JsonNode port = c.path(probe).path("httpGet").path("port");
            assertThat(port.isInt() ? port.asInt() : containerPorts().get(port.asText())).as(probe)
                    .isEqualTo(containerPorts().get("agent"));
        }
    }

    @Test
    void thePodRunsTheImageThisBuildMakesAsItsUserWithItsConfigMounted(@TempDir Path dir)
            throws IOException, InterruptedException {
        ImageTarball image = ImageTarball.unpack(ImageTarball.built(), dir);
        JsonNode c = deploy.container();
        assertThat(c.path("image").asText()).isEqualTo(image.repoTag());
        // The image's own command serves the mounted config; the pod does not override it.
        assertThat(c.has("command")).isFalse();
        assertThat(c.has("args")).isFalse();
        String configMount = mountPathOf(deploy.podSpec().path("volumes").findParent("configMap").path("name").asText());
        assertThat(image.configFile()).startsWith(configMount + "/");
        assertThat(image.workingDir()).isEqualTo(mountPathOf("state"));
        JsonNode security = deploy.podSpec().path("securityContext");
        assertThat(security.path("runAsUser").asText() + ":" + security.path("runAsGroup").asText())
                .isEqualTo(image.user());
        assertThat(security.path("fsGroup").asText()).as("fsGroup: the state volume writable by the image's user")
                .isEqualTo(security.path("runAsGroup").asText());
    }

    @Test
    void threeMembersOfWhichADisruptionTakesOneAtATime() {
        assertThat(deploy.workload().path("spec").path("replicas").asInt()).isEqualTo(3);
        JsonNode pdb = deploy.one("PodDisruptionBudget").path("spec");
        assertThat(pdb.path("maxUnavailable").asInt()).isEqualTo(1);
    }

    /** The ConfigMap's config as Warrant reads it in the pod, with a real key in place of the placeholder. */
    private static GatewayConfig loadConfig(Path root) throws IOException {
        String key = SigningKey.generate("root").publicKey().hex();
        PodFiles pod = new PodFiles(deploy, root).write(Map.of("root.pub", key));
        return pod.loadConfig(imageConfigFile(), NAMESPACE);
    }

    private static String imageConfigFile() {
        // The image's default command: `serve --config /etc/warrant/config/warrant.yaml`; thePodRunsTheImage...
        // checks that the built image says so too.
        return "/etc/warrant/config/warrant.yaml";
    }

    private static JsonNode headlessService() {
        List<JsonNode> headless = new ArrayList<>();
        for (JsonNode s : deploy.all("Service")) {
            if ("None".equals(s.path("spec").path("clusterIP").asText())) {
                headless.add(s);
            }
        }
        assertThat(headless).as("headless Services").hasSize(1);
        return headless.get(0);
    }

    private static int servicePort(JsonNode service, String name) {
        for (JsonNode p : service.path("spec").path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("port").asInt();
            }
        }
        throw new AssertionError("Service " + service.path("metadata").path("name").asText() + " has no port " + name);
    }

    private static String mountPathOf(String volume) {
        for (JsonNode m : deploy.container().path("volumeMounts")) {
            if (volume.equals(m.path("name").asText())) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError("no mount of volume " + volume);
    }

    private static Map<String, Integer> containerPorts() {
        Map<String, Integer> ports = new HashMap<>();
        deploy.container().path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    private static Map<String, String> podLabels() {
        return strings(deploy.workload().path("spec").path("template").path("metadata").path("labels"));
    }

    private static Map<String, String> strings(JsonNode mapping) {
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> f : mapping.properties()) {
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }
}
