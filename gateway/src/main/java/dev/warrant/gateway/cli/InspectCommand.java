package dev.warrant.gateway.cli;

import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.delegation.TokenException;
import dev.warrant.delegation.TokenInspector;
import dev.warrant.gateway.inspect.TokenExplanation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code warrant inspect}: the chain hop by hop, the effective narrowing in plain words, warnings about weak
 * constraints, each block's revocation id, and the chain as RFC 8693 act claims. Unverified unless a public key
 * is given.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Explain a token: its delegation chain, what each hop narrows, and its revocation ids.")
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    AttenuateCommand.TokenInput input;

    @Option(names = "--public-key-file", paramLabel = "FILE",
            description = "Verify with this root public key (root.pub) before explaining.")
    Path publicKeyFile;

    @Option(names = "--key-id", paramLabel = "ID",
            description = "Id of that key; default: root.id beside it, else derived from the key.")
    String keyId;

    @Option(names = "--source", description = "Also print each block's Datalog source.")
    boolean source;

    @Option(names = "--act-claims",
            description = "Print only the chain as nested RFC 8693 act claims (JSON); unverified without --public-key-file.")
    boolean actClaims;

    @Override
    public Integer call() {
        if (actClaims && source) {
            throw new CliErrors.CliFailure("--act-claims prints only the act claims; leave out --source", 2);
        }
        String token = input.read();
        TokenInspector.Inspection inspection;
        if (publicKeyFile == null) {
            try {
                inspection = TokenInspector.inspectUnverified(token);
            } catch (TokenException e) {
                throw new CliErrors.CliFailure("cannot read the token (" + e.reason().code() + "): " + e.getMessage(), 2);
            }
        } else {
            KeyRing ring = KeyRing.of(publicKey());
            try {
                inspection = TokenInspector.inspect(token, ring);
            } catch (TokenException e) {
                throw new CliErrors.CliFailure("token does not verify (" + e.reason().code() + "): " + e.getMessage(), 2);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (actClaims) {
            out.println(TokenExplanation.actClaims(inspection).encodePrettily());
            out.flush();
            return 0;
        }
        out.print(TokenExplanation.text(inspection));
        if (source) {
            for (TokenInspector.InspectedBlock b : inspection.blocks()) {
                out.println();
                out.println("block " + b.index() + " Datalog:");
                b.source().lines().forEach(l -> out.println("  " + l));
            }
        }
        out.flush();
        return 0;
    }

    private RootPublicKey publicKey() {
        String hex;
        try {
            hex = Files.readString(publicKeyFile, StandardCharsets.ISO_8859_1).trim();
        } catch (NoSuchFileException e) {
            throw new CliErrors.CliFailure("public key file not found: " + publicKeyFile, 2);
        } catch (IOException e) {
            throw new CliErrors.CliFailure("cannot read public key file " + publicKeyFile + ": " + e.getMessage(), 2);
        }
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new CliErrors.CliFailure(publicKeyFile + " is not a root public key (expected 64 hex digits)", 2);
        }
        String id = keyId != null ? keyId : KeygenCommand.keyIdBeside(publicKeyFile);
        try {
            return new RootPublicKey(id != null ? id : KeyFiles.defaultKeyId(hex), hex);
        } catch (IllegalArgumentException e) {
            throw new CliErrors.CliFailure("--key-id: " + e.getMessage(), 2);
        }
    }
}
