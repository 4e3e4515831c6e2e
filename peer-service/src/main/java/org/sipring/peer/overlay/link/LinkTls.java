package org.sipring.peer.overlay.link;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the server and client TLS contexts of a link from PEM files, failing with a clear message. */
final class LinkTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    final SslContext server;
    final SslContext client;

    private LinkTls(SslContext server, SslContext client) {
        this.server = server;
        this.client = client;
    }

    /** @throws IllegalArgumentException naming the file or the problem */
    static LinkTls load(LinkConfig.Tls tls) {
        requireReadable(tls.certificateChain(), "certificate chain");
        requireReadable(tls.privateKey(), "private key");
        requireReadable(tls.trustedCertificates(), "CA bundle");
        try {
            SslContext server = SslContextBuilder
                .forServer(tls.certificateChain().toFile(), tls.privateKey().toFile())
                .trustManager(tls.trustedCertificates().toFile())
                .clientAuth(ClientAuth.REQUIRE)
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .build();
            SslContext client = SslContextBuilder.forClient()
                .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile())
                .trustManager(tls.trustedCertificates().toFile())
                .endpointIdentificationAlgorithm(null) // peers are identified by the overlay CA, not hostnames
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .build();
            return new LinkTls(server, client);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot load the link's TLS material (certificate chain "
                + tls.certificateChain() + ", PKCS#8 private key " + tls.privateKey() + ", CA bundle "
                + tls.trustedCertificates() + "): " + rootMessage(e), e);
        }
    }

    private static void requireReadable(Path p, String what) {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("TLS " + what + " file " + p + " is missing or not readable");
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            sb.append(" <- ").append(c.getMessage());
            e = c;
        }
        return sb.toString();
    }
}
