package dev.warrant.gateway.transport;

import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The workload identity of an mTLS client: the URI subject alternative name of its certificate (e.g.
 * {@code spiffe://example.org/planner}), which the TLS handshake has already verified against the configured
 * client CA. Exposed to policies as {@code peer(...)}; no certificate means no peer fact, so a peer-bound token
 * fails closed.
 *
 * <p>Like a SPIFFE X509-SVID, the certificate must carry exactly one URI SAN: with several, which one is "the"
 * identity would be a guess, so such a certificate yields no identity at all.
 */
public final class PeerIdentity {

    private static final int SAN_URI = 6;

    private PeerIdentity() {
    }

    public static Optional<String> of(HttpServerRequest request) {
        if (!request.isSSL()) {
            return Optional.empty();
        }
        try {
            SSLSession session = request.connection().sslSession();
            if (session == null) {
                return Optional.empty();
            }
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans == null) {
                return Optional.empty();
            }
            String identity = null;
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(SAN_URI).equals(san.get(0)) && san.get(1) instanceof String uri) {
                    if (identity != null) {
                        return Optional.empty();
                    }
                    identity = uri;
                }
            }
            return Optional.ofNullable(identity);
        } catch (SSLPeerUnverifiedException | CertificateParsingException e) {
            return Optional.empty();
        }
    }
}
