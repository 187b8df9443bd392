package dev.warrant.gateway.approval;

import dev.warrant.delegation.SigningKey;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.ConfigLoader;
import dev.warrant.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config's {@code approvals:} section: showArguments, consoleUrl and the webhooks, checked at load. */
class ApprovalsConfigTest {

    private static final String KEYS = "keys: [ { id: root, publicKey: \""
            + SigningKey.generate("root").publicKey().hex() + "\" } ]\n";

    @TempDir
    Path dir;

    private GatewayConfig parse(String approvals) {
        return new ConfigLoader(Map.of()).parse(KEYS + approvals, dir);
    }

    @Test
    void withoutTheSectionApproversSeeTheDigestAndNobodyIsTold() {
        ApprovalSettings settings = parse("").approvals();
        assertThat(settings).isEqualTo(ApprovalSettings.defaults());
        assertThat(settings.showArguments()).isFalse();
        assertThat(settings.webhooks()).isEmpty();
        assertThat(settings.link("http://127.0.0.1:8080", "a-1")).isEqualTo("http://127.0.0.1:8080/console/approvals/a-1");
    }

    @Test
    void webhooksWithSecretFilesRelativeToTheConfig() throws Exception {
        Files.writeString(dir.resolve("hook.key"), "0123456789abcdef0123456789abcdef\n");
        ApprovalSettings settings = parse("""
                approvals:
                  showArguments: true
                  consoleUrl: https://warrant.example.org/
                  webhooks:
                    - { url: "https://hooks.example.org/T0/B1/secretpath", secretFile: hook.key, timeout: PT3S }
                    - { url: "http://127.0.0.1:9000/hook", secretFile: hook.key }
                """).approvals();
        assertThat(settings.showArguments()).isTrue();
        assertThat(settings.consoleUrl()).contains(URI.create("https://warrant.example.org/"));
        assertThat(settings.link("http://ignored", "a-1")).isEqualTo("https://warrant.example.org/console/approvals/a-1");
        assertThat(settings.webhooks()).hasSize(2);
        WebhookSettings first = settings.webhooks().get(0);
        assertThat(first.secretFile()).isEqualTo(dir.resolve("hook.key"));
        assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(new String(first.secret(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("0123456789abcdef0123456789abcdef");
        // Logs and the record's text name the origin only: a chat tool's webhook path is itself a secret.
        assertThat(first.origin()).isEqualTo("https://hooks.example.org:443");
        assertThat(first.toString()).doesNotContain("secretpath").doesNotContain("0123456789abcdef0123");
        assertThat(settings.webhooks().get(1).timeout()).isEqualTo(WebhookSettings.DEFAULT_TIMEOUT);
    }

    @Test
    void aMissingEmptyOrShortSecretRefusesTheStart() throws Exception {
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\", secretFile: nope.key } ] }\n",
                "approvals.webhooks[0].secretFile: cannot read");
        Files.writeString(dir.resolve("empty.key"), " \n");
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\", secretFile: empty.key } ] }\n",
                "approvals.webhooks[0].secretFile: " + dir.resolve("empty.key") + " is empty");
        Files.writeString(dir.resolve("short.key"), "hunter2\n");
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\", secretFile: short.key } ] }\n",
                "approvals.webhooks[0].secretFile:");
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\" } ] }\n",
                "approvals.webhooks[0].secretFile: required");
    }

    @Test
    void mistakesNameTheSetting() throws Exception {
        Files.writeString(dir.resolve("hook.key"), "0123456789abcdef0123456789abcdef");
        assertRefused("approvals: { webhooks: [ { url: \"ftp://h.example.org/\", secretFile: hook.key } ] }\n",
                "approvals.webhooks[0].url: must be an http(s) URL");
        assertRefused("approvals: { webhooks: [ { url: \"https://user:pw@h.example.org/\", secretFile: hook.key } ] }\n",
                "approvals.webhooks[0].url: must not carry user info");
        assertRefused("approvals: { webhooks: [ { url: \"https:///nohost\", secretFile: hook.key } ] }\n",
                "approvals.webhooks[0].url: must name a host");
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\", secretFile: hook.key, timeout: PT0S } ] }\n",
                "approvals.webhooks[0].timeout: must be positive");
        assertRefused("approvals: { webhooks: [ { url: \"https://h.example.org/\", secret: abc } ] }\n",
                "approvals.webhooks[0].secret");
        assertRefused("approvals: { showArguments: sometimes }\n", "approvals.showArguments: must be true or false");
        assertRefused("approvals: { consoleUrl: \"javascript:alert(1)\" }\n", "approvals.consoleUrl");
        assertRefused("approvals: { webhook: [] }\n", "approvals.webhook");
        assertRefused("approvals: { webhooks: { url: x } }\n", "approvals.webhooks: must be a list");
    }

    private void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
    }
}
