package org.sipring.peer.sip;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The SIP service's settings, built once from {@code peer.sip.*}.
 *
 * @param host           address the UDP and TCP listening points bind and Via/Record-Route name
 * @param port           their port
 * @param domains        the domains served (lower case); requests for others are refused
 * @param authEnabled    digest authentication of REGISTER (RFC 3261 §22)
 * @param authSecret     the overlay-wide nonce key (only with auth)
 * @param nonceLifetime  how long a nonce is accepted before it is stale
 * @param algorithms     digest algorithms offered, one challenge each in this order (RFC 8760 §2.4:
 *                       the client takes the first it supports; some take the first, full stop)
 * @param policy         expiry limits and contacts per AOR
 * @param threads        the bounded pool that runs the SIP listener
 * @param maxMessageSize largest SIP message accepted on a stream transport
 * @param udpReceiveBuffer kernel receive buffer asked for the UDP socket, in bytes
 * @param flowTimer      seconds between keep-alives a UA of an RFC 5626 flow is asked for (Flow-Timer)
 * @param routing        whether requests to an AOR are proxied to its contacts or redirected (302)
 * @param flowSecret     the overlay-wide key of flow tokens ({@link FlowToken})
 * @param maxPending     requests allowed to wait for the overlay at once; more are answered 503
 * @param tls            SIP over TLS, when configured
 * @param workDir        where the peer keeps files the stack needs (its TLS key stores)
 */
public record SipSettings(String host, int port, Set<String> domains, boolean authEnabled, byte[] authSecret,
                          Duration nonceLifetime, List<DigestAlgorithm> algorithms, RegistrarPolicy policy, int threads, int maxMessageSize,
                          int udpReceiveBuffer, int flowTimer, Routing routing, byte[] flowSecret, int maxPending, Optional<SipTls> tls,
                          Path workDir) {

    /** What the peer does with a request for a registered AOR. */
    public enum Routing {
        /** Stateful proxy to the contacts (RFC 3261 §16), forking by q-value. */
        PROXY,
        /** 302 listing the contacts (RFC 3261 §21.3.3); the caller tries them itself. */
        REDIRECT
    }

    public SipSettings {
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(workDir, "workDir");
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive");
        }
        flowSecret = flowSecret.clone();
        Objects.requireNonNull(host, "host");
        domains = Set.copyOf(domains);
        authSecret = authSecret == null ? new byte[0] : authSecret.clone();
        Objects.requireNonNull(nonceLifetime, "nonceLifetime");
        algorithms = List.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one digest algorithm");
        }
        Objects.requireNonNull(policy, "policy");
    }

    @Override
    public byte[] authSecret() {
        return authSecret.clone();
    }

    @Override
    public byte[] flowSecret() {
        return flowSecret.clone();
    }

    /** host:port, as peers' flows name this one. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "SipSettings[" + address() + ", domains " + domains + ", auth " + (authEnabled ? "on" : "off") + ", " + routing + "]";
    }
}
