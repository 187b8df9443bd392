package dev.warrant.gateway.approval;

import dev.warrant.gateway.config.ConfigException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One approvers' webhook ({@code approvals.webhooks[i]}): where each held call is POSTed and the file holding the
 * HMAC secret it is signed with ({@link WebhookSignature}). Checked when built, so a gateway never starts with a
 * webhook it could not sign for: the URL is http(s) with a host and no user info, the secret file is readable
 * and holds at least {@value #MIN_SECRET_LENGTH} characters.
 *
 * @param url        the receiver; its path may itself be secret (chat tools put tokens there), so logs name only
 *                   its origin ({@link #origin()})
 * @param secretFile the shared secret, as text (surrounding white space, such as a final newline, is ignored)
 * @param timeout    how long one attempt may take, connection included
 */
public record WebhookSettings(URI url, Path secretFile, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** 16 characters of {@code openssl rand -hex 32}'s 64 would do; fewer is a password, not a key. */
    public static final int MIN_SECRET_LENGTH = 16;

    public WebhookSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secretFile, "secretFile");
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new ConfigException("url: must be an http(s) URL, not " + url.getScheme());
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new ConfigException("url: must name a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new ConfigException("url: must not carry user info (the HMAC secret authenticates the gateway)");
        }
        if (url.getRawFragment() != null) {
            throw new ConfigException("url: must not have a fragment");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigException("timeout: must be positive");
        }
        readSecret(secretFile);
    }

    /** The secret's bytes (UTF-8 of the file's stripped text), read now; a {@link ConfigException} if unusable. */
    public byte[] secret() {
        return readSecret(secretFile);
    }

    /** scheme://host:port of the receiver: what logs may say about it. */
    public String origin() {
        int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        return url.getScheme() + "://" + url.getHost() + ":" + port;
    }

    private static byte[] readSecret(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("secretFile: cannot read " + file);
        }
        String secret = text.strip();
        if (secret.isEmpty()) {
            throw new ConfigException("secretFile: " + file + " is empty");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new ConfigException("secretFile: " + file + " holds fewer than " + MIN_SECRET_LENGTH
                    + " characters (e.g. openssl rand -hex 32 > " + file.getFileName() + ")");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The record's text names the file, never the secret (a record prints its components). */
    @Override
    public String toString() {
        return "WebhookSettings[url=" + origin() + ", secretFile=" + secretFile + ", timeout=" + timeout + "]";
    }
}
