package org.sipring.peer.app.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code peer.sip.*}: the SIP registrar's listening address, domains, digest authentication and
 * limits. Checked and turned into {@link org.sipring.peer.sip.SipSettings} by
 * {@link SipSettingsFactory}.
 */
@Validated
@ConfigurationProperties(prefix = "peer.sip", ignoreUnknownFields = false)
public class SipProperties {

    /** Serve SIP at all. */
    private boolean enabled = true;

    /** host:port for UDP and TCP; unset: the overlay's listen address with port 5060. */
    private String listen;

    /** Domains served, comma-separated; required when SIP is enabled. */
    private List<String> domains = new ArrayList<>();

    private final Auth auth = new Auth();

    private final Tls tls = new Tls();

    private int minExpires = 60;
    private int maxExpires = 86_400;
    private int defaultExpires = 3_600;
    private int maxContacts = 10;

    /** Threads of the SIP listener pool. */
    private int threads = 4;

    /** Largest SIP message accepted over TCP. */
    private DataSize maxMessageSize = DataSize.ofKilobytes(64);

    /**
     * Kernel receive buffer of the UDP socket (SO_RCVBUF): what absorbs a burst of requests while
     * the stack is busy. The kernel caps it at net.core.rmem_max.
     */
    private DataSize udpReceiveBuffer = DataSize.ofMegabytes(4);

    /** Flow-Timer sent to RFC 5626 user agents: seconds between their keep-alives. */
    private Duration flowTimer = Duration.ofSeconds(120);

    /** Requests allowed to wait for the overlay at once; more are answered 503 with Retry-After. */
    private int maxPending = 1_000;

    /** proxy (stateful, forking) or redirect (302 with the contacts). */
    private String routing = "proxy";

    /** SIP over TLS: off unless enabled; then certificate and private key are required. */
    public static class Tls {
        private boolean enabled;
        private int port = 5061;
        private String certificate;
        private String privateKey;
        private String ca;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getCertificate() {
            return certificate;
        }

        public void setCertificate(String certificate) {
            this.certificate = certificate;
        }

        public String getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(String privateKey) {
            this.privateKey = privateKey;
        }

        public String getCa() {
            return ca;
        }

        public void setCa(String ca) {
            this.ca = ca;
        }
    }

    public Tls getTls() {
        return tls;
    }

    public static class Auth {
        /** Digest authentication of REGISTER; off only for local demos. */
        private boolean enabled = true;

        /** The overlay-wide nonce key, the same on every peer; at least 16 bytes. */
        private String secret;

        /** Digest algorithms offered, in order of preference: SHA-256 and MD5 (RFC 8760). */
        private List<String> algorithms = new ArrayList<>(List.of("SHA-256", "MD5"));

        /** How long a nonce is accepted before the client is told it is stale. */
        private Duration nonceLifetime = Duration.ofMinutes(5);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public List<String> getAlgorithms() {
            return algorithms;
        }

        public void setAlgorithms(List<String> algorithms) {
            this.algorithms = algorithms;
        }

        public Duration getNonceLifetime() {
            return nonceLifetime;
        }

        public void setNonceLifetime(Duration nonceLifetime) {
            this.nonceLifetime = nonceLifetime;
        }

        @Override
        public String toString() {
            return "Auth[enabled=" + enabled + ", secret hidden]";
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getListen() {
        return listen;
    }

    public void setListen(String listen) {
        this.listen = listen;
    }

    public List<String> getDomains() {
        return domains;
    }

    public void setDomains(List<String> domains) {
        this.domains = domains;
    }

    public Auth getAuth() {
        return auth;
    }

    public int getMinExpires() {
        return minExpires;
    }

    public void setMinExpires(int minExpires) {
        this.minExpires = minExpires;
    }

    public int getMaxExpires() {
        return maxExpires;
    }

    public void setMaxExpires(int maxExpires) {
        this.maxExpires = maxExpires;
    }

    public int getDefaultExpires() {
        return defaultExpires;
    }

    public void setDefaultExpires(int defaultExpires) {
        this.defaultExpires = defaultExpires;
    }

    public int getMaxContacts() {
        return maxContacts;
    }

    public void setMaxContacts(int maxContacts) {
        this.maxContacts = maxContacts;
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public DataSize getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(DataSize maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public DataSize getUdpReceiveBuffer() {
        return udpReceiveBuffer;
    }

    public void setUdpReceiveBuffer(DataSize udpReceiveBuffer) {
        this.udpReceiveBuffer = udpReceiveBuffer;
    }

    public int getMaxPending() {
        return maxPending;
    }

    public void setMaxPending(int maxPending) {
        this.maxPending = maxPending;
    }

    public String getRouting() {
        return routing;
    }

    public void setRouting(String routing) {
        this.routing = routing;
    }

    public Duration getFlowTimer() {
        return flowTimer;
    }

    public void setFlowTimer(Duration flowTimer) {
        this.flowTimer = flowTimer;
    }

    @Override
    public String toString() {
        return "SipProperties[listen=" + listen + ", domains=" + domains + ", " + auth + "]";
    }
}
