package dev.warrant.gateway.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throwaway PKI made at test time (no key is ever committed): one CA, and leaf certificates signed by it
 * for the server (127.0.0.1 and localhost) and for SPIFFE-style client workloads (URI SANs).
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] PASSWORD = "test".toCharArray();

    /** A private key and its certificate. */
    public record Identity(PrivateKey key, X509Certificate cert) {
    }

    final Identity ca;

    private TestPki(Identity ca) {
        this.ca = ca;
    }

    public static TestPki create(String name) throws Exception {
        KeyPair kp = keyPair();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder b = builder(subject, subject, kp);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestPki(new Identity(kp.getPrivate(), sign(b, kp.getPrivate())));
    }

    /** A server certificate for 127.0.0.1 (IP SAN) and localhost. */
    public Identity server() throws Exception {
        return leaf("warrant-test-server", KeyPurposeId.id_kp_serverAuth,
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
    }

    /** A client certificate whose URI SANs are the given workload identities. */
    Identity client(String... uris) throws Exception {
        GeneralName[] names = new GeneralName[uris.length];
        for (int i = 0; i < uris.length; i++) {
            names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
        }
        return leaf("workload", KeyPurposeId.id_kp_clientAuth, names);
    }

    private Identity leaf(String cn, KeyPurposeId purpose, GeneralName... sans) throws Exception {
        KeyPair kp = keyPair();
        X509v3CertificateBuilder b = builder(new X500Name(ca.cert().getSubjectX500Principal().getName()),
                new X500Name("CN=" + cn), kp);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
        if (sans.length > 0) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        return new Identity(kp.getPrivate(), sign(b, ca.key()));
    }

    /** Writes {@code name}.pem (certificate) and {@code name}.key (PKCS#8) into {@code dir}. */
    public static void writePem(Identity id, Path dir, String name) throws Exception {
        writeCert(id.cert(), dir.resolve(name + ".pem"));
        Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", id.key().getEncoded()), StandardCharsets.US_ASCII);
    }

    static void writeCert(X509Certificate cert, Path file) throws Exception {
        Files.writeString(file, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
    }

    /** A client SSL context trusting this CA; with {@code client} (signed by this CA) it presents that certificate. */
    public SSLContext sslContext(Identity client) throws Exception {
        return sslContextPresenting(client, ca);
    }

    /** Trusts this CA for the server, presents {@code client} with the chain up to {@code issuer} (any CA). */
    SSLContext sslContextPresenting(Identity client, Identity issuer) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry("client", client.key(), PASSWORD, new Certificate[] {client.cert(), issuer.cert()});
        }
        kmf.init(keys, PASSWORD);
        X509ExtendedKeyManager km = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {client == null ? km : new AlwaysPresent(km)}, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /**
     * Presents the client certificate even when the server's list of acceptable CAs does not name its issuer
     * (the JDK would otherwise send none): a forged certificate must reach the server to prove it is refused.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AlwaysPresent(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair kp) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofHours(1))),
                subject, kp.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
