package org.sipring.peer.app.config;

import java.nio.file.Path;

/**
 * PEM files of the overlay link's TLS (RFC 6940 §11.4: peers authenticate each other by
 * certificates from the overlay's CA). Checked readable and of the right PEM type at start-up.
 *
 * @param certificate this peer's certificate chain
 * @param privateKey  this peer's PKCS#8 private key, unencrypted
 * @param ca          the CA certificate(s) trusted for peer certificates
 */
public record TlsFiles(Path certificate, Path privateKey, Path ca) {
}
