package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import static dev.warrant.gateway.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** keygen -> mint -> attenuate -> inspect through {@code WarrantCli.run}, and every bad input as one line. */
class CliTest {
    static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @TempDir
    static Path dir;
    static Path keys;
    static String pubHex;
    static Path planner;
    static Path researcher;
    static Path summarizer;

    @BeforeAll
    static void chain() throws Exception {
        keys = dir.resolve("keys");
        CliRun keygen = run("keygen", "--out", keys.toString(), "--key-id", "root-2026").ok();
        assertThat(keygen.out()).contains("key id: root-2026").contains("publicKeyFile: ");
        pubHex = Files.readString(keys.resolve("root.pub")).trim();

        planner = write("planner.token", run("mint", "--key", keys.resolve("root.key").toString(), "--agent", "planner",
                "--right", "tool:notes:read_note", "--right", "tool:notes:write_note", "--right", "resource:fs:file:///repo/",
                "--task", "T-42", "--ttl", "1h").ok().out());
        researcher = write("researcher.token", run("attenuate", "--token-file", planner.toString(), "--to", "researcher",
                "--tool", "notes__read_note", "--tool", "notes__list_notes", "--path-prefix", "path=/notes/public/",
                "--ttl", "PT30M", "--trace", TRACE).ok().out());
        summarizer = write("summarizer.token", run("attenuate", "--token-file", researcher.toString(), "--to", "summarizer",
                "--tool", "notes__read_note", "--equals", "format=markdown", "--range", "limit=1..50", "--ttl", "15m",
                "--peer", "spiffe://example.org/summarizer").ok().out());
    }

    private static Path write(String name, String token) throws Exception {
        assertThat(token.strip()).matches("[A-Za-z0-9_=-]+");
        return Files.writeString(dir.resolve(name), token);
    }

    private static VerifiedToken verify(Path tokenFile) throws Exception {
        Verifier v = new Verifier(KeyRing.of(new RootPublicKey("root-2026", pubHex)), VerifierSettings.defaults(), Clock.systemUTC());
        return v.verify(Files.readString(tokenFile).strip());
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKey() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("root.key")))).isEqualTo("rw-------");
        assertThat(pubHex).matches("[0-9a-f]{64}");
        assertThat(Files.readString(keys.resolve("root.id")).trim()).isEqualTo("root-2026");
    }

    @Test
    void mintedAndAttenuatedTokensVerifyUnderTheChosenKeyId() throws Exception {
        VerifiedToken token = verify(summarizer);
        assertThat(token.rootKeyId()).isEqualTo("root-2026");
        assertThat(token.chain()).containsExactly("planner", "researcher", "summarizer");
        assertThat(token.task()).hasValue("T-42");
        assertThat(token.traceContexts()).containsExactly(TRACE);
        assertThat(verify(planner).expiresAt()).isBetween(token.issuedAt().plusSeconds(3590), token.issuedAt().plusSeconds(3610));
    }

    @Test
    void selfAttenuationKeepsTheHolder() throws Exception {
        Path narrowed = write("self.token", run("attenuate", "--token-file", planner.toString(),
                "--tool", "notes__read_note").ok().out());
        assertThat(verify(narrowed).caller()).isEqualTo("planner");
        assertThat(verify(narrowed).depth()).isZero();
    }

    @Test
    void inspectVerifiedNamesTheChainAndConstraints() {
        CliRun r = run("inspect", "--token-file", summarizer.toString(), "--public-key-file", keys.resolve("root.pub").toString()).ok();
        assertThat(r.out())
                .startsWith("Verified with root key 'root-2026'")
                .contains("Chain: planner -> researcher -> summarizer (2 delegation hops)")
                .contains("authority: issued to planner; task T-42; may: tool notes/read_note, tool notes/write_note,"
                        + " resource fs under file:///repo/")
                .contains("hop 1: planner -> researcher; may only: tool notes/list_notes, tool notes/read_note;"
                        + " argument 'path' must start with /notes/public/ (normalized path); expires ")
                .contains("hop 2: researcher -> summarizer; may only: tool notes/read_note; argument 'format' must equal"
                        + " 'markdown'; argument 'limit' must be >= 1 and must be <= 50; expires ")
                .contains("only over a connection whose client certificate is spiffe://example.org/summarizer")
                .contains("Effective for summarizer: may only: tool notes/read_note;")
                .contains("  trace " + TRACE)
                .contains("No warnings.");
        assertThat(r.out().lines().filter(l -> l.matches("  block [0-2], revocation id [0-9a-f]{128}"))).hasSize(3);
    }

    @Test
    void inspectUnverifiedSaysSoAndCanShowTheSource() {
        CliRun r = run("inspect", "--token-file", researcher.toString(), "--source").ok();
        assertThat(r.out()).startsWith("UNVERIFIED")
                .contains("block 1 Datalog:")
                .contains("  check all arg_path(\"path\", $p), $p.starts_with(\"/notes/public/\") or method(\"tools/list\");");
    }

    @Test
    void tokenCanComeFromStandardInput() throws Exception {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(planner)));
            CliRun r = run("attenuate", "--token", "-", "--to", "researcher", "--tool", "notes__read_note").ok();
            assertThat(verify(write("stdin.token", r.out())).caller()).isEqualTo("researcher");
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void keygenRefusesToOverwriteUnlessForced() throws Exception {
        Path other = dir.resolve("other-keys");
        run("keygen", "--out", other.toString()).ok();
        String before = Files.readString(other.resolve("root.pub"));
        run("keygen", "--out", other.toString()).fails(1, "refusing to overwrite");
        assertThat(Files.readString(other.resolve("root.pub"))).isEqualTo(before);
        run("keygen", "--out", other.toString(), "--force").ok();
        assertThat(Files.readString(other.resolve("root.pub"))).isNotEqualTo(before);
        run("keygen", "--out", dir.resolve("bad").toString(), "--key-id", "no spaces").fails(2, "--key-id");
    }

    @Test
    void badMintInputIsOneLineAndExitTwo() {
        String key = keys.resolve("root.key").toString();
        run("mint", "--key", key, "--agent", "a", "--right", "tool-notes-read").fails(2, "must be KIND:SERVER:NAME");
        run("mint", "--key", key, "--agent", "a", "--right", "weapon:notes:x").fails(2, "kind must be one of");
        run("mint", "--key", key, "--agent", "a", "--right", "tool:notes:x", "--ttl", "48h").fails(2, "exceeds --max-ttl");
        run("mint", "--key", key, "--agent", "a", "--right", "tool:notes:x", "--ttl", "soon").fails(2, "is not a duration");
        run("mint", "--key", dir.resolve("missing.key").toString(), "--agent", "a", "--right", "tool:notes:x")
                .fails(2, "key file not found");
    }

    @Test
    void badAttenuateInputIsOneLineAndExitTwo() throws Exception {
        String t = planner.toString();
        run("attenuate", "--token-file", t, "--tool", "notes-read_note").fails(2, "must be SERVER__NAME");
        run("attenuate", "--token-file", t, "--path-prefix", "path").fails(2, "must be ARG=PREFIX");
        run("attenuate", "--token-file", t, "--range", "limit=1-5").fails(2, "must be ARG=MIN..MAX");
        run("attenuate", "--token-file", t, "--range", "limit=5..1").fails(2, "is empty");
        run("attenuate", "--token-file", t, "--trace", "not-a-traceparent").fails(2, "traceparent");
        run("attenuate", "--token-file", t, "--equals", "bad key!=1").fails(2, "argument key");
        run("attenuate", "--token-file", dir.resolve("absent.token").toString()).fails(2, "token file not found");
        run("attenuate", "--token-file", Files.writeString(dir.resolve("garbage.token"), "not a token!").toString())
                .fails(2, "cannot attenuate: token is not base64url");
        run("attenuate", "--tool", "notes__read_note").fails(2, "exactly one of --token-file");
    }

    @Test
    void badInspectInputIsOneLineAndExitTwo() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage2.token"), "AAAA");
        run("inspect", "--token-file", garbage.toString()).fails(2, "cannot read the token (token_malformed)");

        Path otherKeys = dir.resolve("rotated");
        run("keygen", "--out", otherKeys.toString(), "--key-id", "root-2027").ok();
        run("inspect", "--token-file", summarizer.toString(), "--public-key-file", otherKeys.resolve("root.pub").toString())
                .fails(2, "token does not verify (unknown_root_key)");
        // Same key id, different key: the signature check fails.
        run("inspect", "--token-file", summarizer.toString(), "--public-key-file", otherKeys.resolve("root.pub").toString(),
                "--key-id", "root-2026").fails(2, "token does not verify (signature_invalid)");
        run("inspect", "--token-file", summarizer.toString(), "--public-key-file", dir.resolve("nope.pub").toString())
                .fails(2, "public key file not found");
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pub"), "hello", StandardCharsets.US_ASCII);
        run("inspect", "--token-file", summarizer.toString(), "--public-key-file", notAKey.toString())
                .fails(2, "is not a root public key");
    }
}
