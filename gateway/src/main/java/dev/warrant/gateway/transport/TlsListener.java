package dev.warrant.gateway.transport;

import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * TLS and mTLS on the agent port (docs/ARCHITECTURE.md §6). The client certificate is verified by the TLS handshake
 * against the configured client CA; {@link PeerIdentity} then reads its URI SAN for {@code peer(...)}.
 *
 * <p>The PEM files are loaded here, before the server listens, so a bad certificate or key is one config
 * error naming the setting instead of a failure deep inside the first handshake.
 */
public final class TlsListener {

    private TlsListener() {
    }

    /** Turns TLS on in {@code options} (HTTP/2 and HTTP/1.1 offered by ALPN). */
    public static HttpServerOptions apply(HttpServerOptions options, GatewayConfig.Tls tls, Vertx vertx) {
        PemKeyCertOptions keyCert = new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString())
                .setKeyPath(tls.keyFile().toString());
        load("tls.certFile / tls.keyFile", () -> keyCert.getKeyManagerFactory(vertx));
        options.setSsl(true).setUseAlpn(true).setKeyCertOptions(keyCert);
        if (tls.clientCaFile().isPresent()) {
            PemTrustOptions trust = new PemTrustOptions().addCertPath(tls.clientCaFile().get().toString());
            load("tls.clientCaFile", () -> trust.getTrustManagerFactory(vertx));
            options.setTrustOptions(trust);
        }
        options.setClientAuth(switch (tls.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case REQUEST -> ClientAuth.REQUEST;
            case REQUIRED -> ClientAuth.REQUIRED;
        });
        return options;
    }

    private interface Loader {
        Object load() throws Exception;
    }

    private static void load(String setting, Loader loader) {
        try {
            if (loader.load() == null) {
                throw new ConfigException(setting + ": no usable PEM content");
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException(setting + ": cannot load PEM: " + firstLine(e));
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
