package org.sipring.peer.app;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.admin.ApiTokens;
import org.sipring.peer.admin.DhtKindCatalog;
import org.sipring.peer.admin.LocalData;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.DataStore;
import org.sipring.peer.storage.Downtime;
import org.sipring.peer.app.config.ApiProperties;
import org.sipring.peer.app.config.OverlayProperties;
import org.sipring.peer.app.config.PeerSettings;
import org.sipring.peer.app.config.PeerSettingsFactory;
import org.sipring.peer.app.config.SipProperties;
import org.sipring.peer.app.config.SipSettingsFactory;
import org.sipring.peer.app.config.StorageProperties;
import org.sipring.peer.sip.Registrar;
import org.sipring.peer.sip.RegistrarPolicy;
import org.sipring.peer.sip.RegistrarProcedures;
import org.sipring.peer.sip.Registration;
import org.sipring.peer.app.config.StorageSettings;
import org.sipring.peer.app.logging.PeerIdConverter;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;
import org.sipring.peer.storage.SlotRules;
import org.sipring.peer.storage.SlotStore;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbDataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The composition root: binds the properties, turns them once into typed settings, and builds the
 * overlay from its parts (link, clock, random source, local storage). Nothing below this class
 * knows about Spring.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({OverlayProperties.class, StorageProperties.class, ApiProperties.class,
    SipProperties.class})
public class PeerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PeerConfiguration.class);

    @Bean
    PeerSettings peerSettings(OverlayProperties overlay, StorageProperties storage, ApiProperties api,
                              SipProperties sip) {
        PeerSettings settings = PeerSettingsFactory.build(overlay, storage, api);
        // checked here, with the rest, before the web server exists: a bad SIP setting stops start-up cleanly
        SipSettingsFactory.build(sip, settings.link().listen(), settings.chord().overlayName(), settings.dataDir());
        settings.chord().nodeId().ifPresent(id -> PeerIdConverter.set(id.toHex()));
        log.info("overlay '{}', listening on {} ({}), {}, data in {}", settings.chord().overlayName(),
            settings.link().listen(), settings.link().tls().isPresent() ? "TLS" : "plain TCP",
            settings.join().foundsOverlay() ? "founding a new overlay" : "bootstrap " + settings.join().bootstrap(),
            settings.dataDir().toAbsolutePath());
        return settings;
    }

    @Bean
    ApiTokens apiTokens(PeerSettings settings) {
        return settings.tokens();
    }

    /**
     * The registrar's expiry limits. Every peer needs them, SIP front end or not: any peer may be
     * responsible for an AOR and run its REGISTER procedure.
     */
    @Bean
    RegistrarPolicy registrarPolicy(SipProperties sip) {
        return SipSettingsFactory.policy(sip);
    }

    @Bean
    KindRegistry kindRegistry(PeerSettings settings, RegistrarPolicy policy) {
        List<KindSpec> specs = new ArrayList<>(DhtKinds.specs(settings.storage().maxValues(),
            settings.storage().maxValueSize()));
        specs.add(new KindSpec(Registration.KIND, Registration.maxEntries(policy), Registration.MAX_ENTRY_SIZE));
        return new KindRegistry(specs);
    }

    @Bean
    Registrar registrar(OverlayRuntime overlay) {
        return new Registrar(overlay);
    }

    @Bean
    DhtKindCatalog dhtKindCatalog() {
        return DhtKindCatalog.of(DhtKinds.ALL);
    }

    /** The admin API's view of this peer's own store. */
    @Bean
    LocalData localData(StorageService storage) {
        return new LocalData() {
            @Override
            public CompletableFuture<List<StoredValue>> fetchLocal(String resourceName, Kind kind) {
                return storage.fetch(new SlotKey(ResourceId.ofName(resourceName), kind.id()));
            }

            @Override
            public StorageCounts counts() {
                DataStore.DataStoreStats s = storage.stats();
                return new StorageCounts(s.slots(), s.elements(), s.bytesOnDisk(), storage.queued());
            }
        };
    }

    @Bean
    LinkFactory linkFactory(KindRegistry kinds) {
        return new NettyLinkFactory(KindModels.of(kinds.all().stream().map(KindSpec::kind).toList()));
    }

    /**
     * The Berkeley DB JE store under the data directory and its storage thread. Spring closes it
     * after the overlay that depends on it, so no request is cut off mid-write.
     */
    @Bean
    StorageService localStorage(PeerSettings settings, KindRegistry kinds, RegistrarPolicy policy) {
        StorageSettings s = settings.storage();
        BdbDataStore disk = BdbDataStore.open(s.bdb());
        Downtime.checkAtStart(disk, Clock.systemUTC().millis(), s.tombstoneRetention());
        SlotStore store = new SlotStore(disk, kinds, new RegistrarProcedures(policy).all(), new SlotRules(s.tombstoneRetention().toMillis()));
        return StorageService.start(store, Clock.systemUTC(), s.service(), "storage");
    }

    /**
     * The chord-reload overlay on the configured link. Built when the peer starts (see
     * {@link DeferredOverlay}): link, then overlay with the system clock, a secure random source
     * (it picks a fresh Node-ID when none is configured or persisted) and the local storage.
     */
    @Bean
    OverlayRuntime overlay(PeerSettings settings, LinkFactory links, StorageService storage) {
        return new DeferredOverlay(() -> {
            Link link = links.create(settings.link());
            ChordOverlay chord = new ChordOverlay(settings.chord(), link, Clock.systemUTC(), new SecureRandom(), storage,
                settings.storage().sync());
            NodeIdStore ids = new NodeIdStore(settings.dataDir());
            // a peer that moves to rebalance the ring keeps its new Node-ID across restarts
            chord.onNodeIdChange(id -> CompletableFuture.runAsync(() -> {
                PeerIdConverter.set(id.toHex());
                ids.save(id);
            }).exceptionally(e -> {
                log.error("cannot persist the Node-ID {} in {}: {}", id, ids.file(), e.getMessage());
                return null;
            }));
            return OverlayRuntime.of(chord);
        });
    }

    @Bean
    PeerLifecycle peerLifecycle(OverlayRuntime overlay, PeerSettings settings) {
        return new PeerLifecycle(overlay, settings.join(), new NodeIdStore(settings.dataDir()), new SecureRandom(),
            id -> PeerIdConverter.set(id.toHex()));
    }
}
