package org.sipring.peer.sip;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * SIP over TLS (RFC 3261 §26.2, RFC 5630): a third listening point, with this peer's certificate.
 *
 * @param port        the TLS port on the SIP host (5061 by default)
 * @param certificate PEM certificate chain presented to user agents
 * @param privateKey  its PEM PKCS#8 private key, unencrypted
 * @param clientCa    PEM CA certificates user agents' certificates must chain to; empty: user agents
 *                    are not asked for a certificate (they authenticate with digest)
 */
public record SipTls(int port, Path certificate, Path privateKey, Optional<Path> clientCa) {
    public SipTls {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(clientCa, "clientCa");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
