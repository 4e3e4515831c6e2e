package org.sipring.peer.sip.jainsip;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.sipring.peer.sip.SipTls;

/**
 * The stack reads its TLS key and trust from key store files: the PEM certificate chain and
 * PKCS#8 key are written into a PKCS#12 key store (and the client CA into a trust store) with a
 * random password, in a directory only this user can read, and the stack's properties point at
 * them.
 */
final class TlsKeyStores {

    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519", "EdDSA");
    /** TLS 1.3 suites, then TLS 1.2 forward-secret AEAD suites for EC and RSA certificates. */
    static final List<String> CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsKeyStores() {
    }

    /** @throws IllegalArgumentException naming the file that cannot be used */
    static void configure(SipTls tls, Path dir, Properties stack) {
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        try {
            Files.createDirectories(dir);
            restrict(dir);
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            List<Certificate> chain = certificates(tls.certificate());
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(tls.certificate() + " holds no certificate");
            }
            keys.setKeyEntry("sip", privateKey(tls.privateKey()), password.toCharArray(), chain.toArray(Certificate[]::new));
            Path keyFile = write(keys, dir.resolve("sip-keys.p12"), password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<Certificate> cas = tls.clientCa().isPresent() ? certificates(tls.clientCa().get()) : chain;
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
            Path trustFile = write(trust, dir.resolve("sip-trust.p12"), password);
            stack.setProperty("javax.net.ssl.keyStore", keyFile.toString());
            stack.setProperty("javax.net.ssl.keyStorePassword", password);
            stack.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
            stack.setProperty("javax.net.ssl.trustStore", trustFile.toString());
            stack.setProperty("javax.net.ssl.trustStorePassword", password);
            stack.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            stack.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", tls.clientCa().isPresent() ? "Enabled" : "Disabled");
            stack.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.3,TLSv1.2");
            // the stack's default suites are RSA key exchange only: no handshake with an EC certificate
            stack.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", CIPHER_SUITES));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the SIP TLS certificate " + tls.certificate() + " and key "
                + tls.privateKey() + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(pem + " is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY); "
                + "openssl pkcs8 -topk8 -nocrypt converts other formats");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // next algorithm
            }
        }
        throw new IllegalArgumentException(pem + " holds a private key of an unsupported algorithm");
    }

    private static Path write(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        restrict(file);
        return file;
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: left as created
        }
    }
}
