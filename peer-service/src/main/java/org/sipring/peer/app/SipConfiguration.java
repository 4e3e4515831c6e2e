package org.sipring.peer.app;

import java.security.SecureRandom;
import org.sipring.peer.app.config.PeerSettings;
import org.sipring.peer.app.config.PeerStartupException;
import org.sipring.peer.app.config.SipProperties;
import org.sipring.peer.app.config.SipSettingsFactory;
import org.sipring.peer.sip.NonceAuthority;
import org.sipring.peer.sip.Registrar;
import org.sipring.peer.sip.SipSettings;
import org.sipring.peer.sip.jainsip.SipServer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The SIP front end ({@code peer.sip.enabled}, on by default): settings, nonces and the JAIN-SIP
 * server. It listens from start-up and answers 503 until the peer has joined; Spring closes it
 * before the overlay it uses.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "peer.sip", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SipConfiguration {

    @Bean
    SipSettings sipSettings(SipProperties sip, PeerSettings peer) {
        return SipSettingsFactory.build(sip, peer.link().listen(), peer.chord().overlayName(), peer.dataDir()).orElseThrow();
    }

    @Bean
    NonceAuthority nonceAuthority(SipSettings sip) {
        byte[] secret = sip.authEnabled() ? sip.authSecret() : new SecureRandom().generateSeed(32);
        return new NonceAuthority(secret, sip.nonceLifetime().toMillis(), new SecureRandom());
    }

    /**
     * Started here; an address that cannot be bound stops start-up with one line naming it. When
     * the peer starts to leave (drain or shutdown) it stops passing health probes, and once the
     * peer has left it closes its user agents' TCP connections so they register elsewhere.
     */
    @Bean(destroyMethod = "close")
    SipServer sipServer(SipSettings sip, Registrar registrar, NonceAuthority nonces, PeerLifecycle lifecycle) {
        SipServer server;
        try {
            server = SipServer.start(sip, registrar, nonces);
        } catch (SipServer.SipStartException e) {
            throw new PeerStartupException("peer.sip.listen: " + e.getMessage());
        }
        lifecycle.onLeave(left -> {
            server.drain();
            left.whenCompleteAsync((ok, failure) -> server.closeFlows());
        });
        return server;
    }
}
