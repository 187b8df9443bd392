package dev.warrant.gateway.record;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The argument digest the audit log, receipts and approvals share (docs/ARCHITECTURE.md §8). */
class ArgumentDigestTest {

    @Test
    void isTheHexSha256OfTheArgumentsJsonAsSentAndNullWithoutArguments() throws Exception {
        JsonObject arguments = new JsonObject().put("path", "/tmp/caf\u00e9").put("n", 2);
        byte[] expected = MessageDigest.getInstance("SHA-256")
                .digest("{\"path\":\"/tmp/caf\u00e9\",\"n\":2}".getBytes(StandardCharsets.UTF_8));

        assertThat(ArgumentDigest.of(arguments)).isEqualTo("sha256:" + HexFormat.of().formatHex(expected));
        assertThat(ArgumentDigest.of(new JsonObject().put("n", 2).put("path", "/tmp/caf\u00e9")))
                .as("key order is part of the JSON as sent").isNotEqualTo(ArgumentDigest.of(arguments));
        assertThat(ArgumentDigest.of(null)).isNull();
    }
}
