package org.sipring.peer.overlay.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Throwaway CAs and peer certificates made with the openssl CLI (EC P-256, PKCS#8 keys). */
final class TestPki {

    /** One peer's files. */
    record Peer(Path chain, Path key, Path ca) {
        LinkConfig.Tls tls() {
            return LinkConfig.Tls.of(chain, key, ca);
        }

        Peer trusting(Path otherCa) {
            return new Peer(chain, key, otherCa);
        }
    }

    private final Path dir;

    TestPki(Path dir) {
        this.dir = dir;
    }

    /** Creates a self-signed CA; returns its certificate (the key sits beside it). */
    Path ca(String name) throws IOException, InterruptedException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".pem");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name);
        return cert;
    }

    /** Creates a peer key and a certificate signed by {@code ca} (usable as TLS server and client). */
    Peer peer(String name, Path ca) throws IOException, InterruptedException {
        Path caKey = ca.resolveSibling(ca.getFileName().toString().replace(".pem", ".key"));
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\n"
            + "extendedKeyUsage=serverAuth,clientAuth\n");
        run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
        run("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
            "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        String pem = Files.readString(key, StandardCharsets.US_ASCII);
        if (!pem.contains("BEGIN PRIVATE KEY")) {
            throw new IllegalStateException("openssl did not write a PKCS#8 key: " + pem.lines().findFirst());
        }
        return new Peer(cert, key, ca);
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
