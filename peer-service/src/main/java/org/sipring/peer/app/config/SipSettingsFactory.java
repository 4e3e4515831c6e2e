package org.sipring.peer.app.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.sip.Aor;
import org.sipring.peer.sip.DigestAlgorithm;
import org.sipring.peer.sip.RegistrarPolicy;
import org.sipring.peer.sip.SipSettings;
import org.sipring.peer.sip.SipTls;

/**
 * Turns {@code peer.sip.*} into {@link SipSettings}, once; every problem is an
 * {@link InvalidPropertyException} naming the property.
 */
public final class SipSettingsFactory {

    static final int DEFAULT_PORT = 5060;
    static final int MIN_SECRET_LENGTH = 16;

    private SipSettingsFactory() {
    }

    /** @return empty when SIP is disabled */
    public static Optional<SipSettings> build(SipProperties p, PeerAddress overlayListen, String overlayName,
                                              Path dataDir) {
        if (!p.isEnabled()) {
            return Optional.empty();
        }
        PeerAddress listen = p.getListen() == null || p.getListen().isBlank()
            ? new PeerAddress(overlayListen.ip(), DEFAULT_PORT)
            : address(p.getListen());
        if (listen.ip().isAnyLocalAddress()) {
            throw new InvalidPropertyException("peer.sip.listen",
                "'" + p.getListen().trim() + "' is a wildcard address; give the address user agents and peers reach");
        }
        Set<String> domains = domains(p);
        byte[] secret = new byte[0];
        if (p.getAuth().isEnabled()) {
            String s = p.getAuth().getSecret();
            if (s == null || s.isBlank()) {
                throw new InvalidPropertyException("peer.sip.auth.secret",
                    "is required with digest authentication on (the same on every peer); or set peer.sip.auth.enabled=false");
            }
            secret = s.getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_LENGTH) {
                throw new InvalidPropertyException("peer.sip.auth.secret", "needs at least " + MIN_SECRET_LENGTH + " bytes");
            }
        }
        Duration nonceLifetime = p.getAuth().getNonceLifetime();
        if (nonceLifetime == null || nonceLifetime.toSeconds() < 10) {
            throw new InvalidPropertyException("peer.sip.auth.nonce-lifetime", "must be at least 10s");
        }
        List<DigestAlgorithm> algorithms = algorithms(p.getAuth().getAlgorithms());
        RegistrarPolicy policy = policy(p);
        if (p.getThreads() < 1 || p.getThreads() > 64) {
            throw new InvalidPropertyException("peer.sip.threads", "must be 1 to 64");
        }
        long maxMessage = p.getMaxMessageSize() == null ? -1 : p.getMaxMessageSize().toBytes();
        if (maxMessage < 1024 || maxMessage > 1 << 20) {
            throw new InvalidPropertyException("peer.sip.max-message-size", "must be 1KB to 1MB");
        }
        long udpBuffer = p.getUdpReceiveBuffer() == null ? -1 : p.getUdpReceiveBuffer().toBytes();
        if (udpBuffer < 64 * 1024 || udpBuffer > 256L << 20) {
            throw new InvalidPropertyException("peer.sip.udp-receive-buffer", "must be 64KB to 256MB");
        }
        Duration flowTimer = p.getFlowTimer();
        if (flowTimer == null || flowTimer.toSeconds() < 10) {
            throw new InvalidPropertyException("peer.sip.flow-timer", "must be at least 10s");
        }
        SipSettings.Routing routing = routing(p.getRouting());
        if (p.getMaxPending() < 1 || p.getMaxPending() > 1_000_000) {
            throw new InvalidPropertyException("peer.sip.max-pending", "must be 1 to 1000000");
        }
        return Optional.of(new SipSettings(listen.ip().getHostAddress(), listen.port(), domains, p.getAuth().isEnabled(),
            secret, nonceLifetime, algorithms, policy, p.getThreads(), (int) maxMessage, (int) udpBuffer, (int) flowTimer.toSeconds(),
            routing, flowSecret(p, overlayName), p.getMaxPending(), tls(p.getTls(), listen.port()), dataDir));
    }

    private static Optional<SipTls> tls(SipProperties.Tls t, int sipPort) {
        if (!t.isEnabled()) {
            return Optional.empty();
        }
        if (t.getPort() < 1 || t.getPort() > 65_535 || t.getPort() == sipPort) {
            throw new InvalidPropertyException("peer.sip.tls.port", "must be a port other than the SIP port " + sipPort);
        }
        Path certificate = readable("peer.sip.tls.certificate", t.getCertificate());
        Path key = readable("peer.sip.tls.private-key", t.getPrivateKey());
        Optional<Path> ca = t.getCa() == null || t.getCa().isBlank() ? Optional.empty()
            : Optional.of(readable("peer.sip.tls.ca", t.getCa()));
        return Optional.of(new SipTls(t.getPort(), certificate, key, ca));
    }

    private static Path readable(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidPropertyException(property, "is required when peer.sip.tls.enabled is true (a PEM file)");
        }
        Path p = Path.of(value.trim());
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new InvalidPropertyException(property, "'" + p + "' is not a readable file");
        }
        return p;
    }

    private static SipSettings.Routing routing(String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        try {
            return SipSettings.Routing.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("peer.sip.routing", "'" + value + "' is not proxy or redirect");
        }
    }

    /**
     * The flow token key: the overlay-wide secret when one is set. Without one (authentication off,
     * a demo) it is derived from the overlay name, which every peer knows; tokens are then only as
     * private as that name, no worse than an overlay that registers anyone.
     */
    private static byte[] flowSecret(SipProperties p, String overlayName) {
        String s = p.getAuth().getSecret();
        if (s != null && s.getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_LENGTH) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return MessageDigest.getInstance("SHA-256")
                .digest(("sipring flow token\n" + overlayName).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The expiry limits and contacts per AOR, which every peer needs, SIP enabled or not. */
    public static RegistrarPolicy policy(SipProperties p) {
        try {
            return new RegistrarPolicy(p.getMinExpires(), p.getMaxExpires(), p.getDefaultExpires(), p.getMaxContacts());
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("peer.sip.min-expires/default-expires/max-expires/max-contacts",
                e.getMessage());
        }
    }

    private static List<DigestAlgorithm> algorithms(List<String> names) {
        List<DigestAlgorithm> out = new ArrayList<>();
        for (String n : names == null ? List.<String>of() : names) {
            if (n == null || n.isBlank()) {
                continue;
            }
            DigestAlgorithm a = DigestAlgorithm.of(n.trim()).orElseThrow(() -> new InvalidPropertyException(
                "peer.sip.auth.algorithms", "'" + n.trim() + "' is not SHA-256 or MD5"));
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidPropertyException("peer.sip.auth.algorithms", "name at least one of SHA-256, MD5");
        }
        return out;
    }

    private static PeerAddress address(String text) {
        try {
            return PeerAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("peer.sip.listen", e.getMessage());
        }
    }

    private static Set<String> domains(SipProperties p) {
        Set<String> domains = new LinkedHashSet<>();
        for (String d : p.getDomains()) {
            if (d == null || d.isBlank()) {
                continue;
            }
            String domain = d.trim().toLowerCase(Locale.ROOT);
            try {
                Aor.parse("sip:check@" + domain);
            } catch (Aor.InvalidAorException e) {
                throw new InvalidPropertyException("peer.sip.domains", "'" + d.trim() + "' is not a host name or address");
            }
            domains.add(domain);
        }
        if (domains.isEmpty()) {
            throw new InvalidPropertyException("peer.sip.domains",
                "is required: the SIP domains this overlay serves, comma-separated (or peer.sip.enabled=false)");
        }
        return domains;
    }
}
