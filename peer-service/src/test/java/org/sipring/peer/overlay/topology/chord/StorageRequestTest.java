package org.sipring.peer.overlay.topology.chord;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.link.LinkTarget;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;
import org.sipring.peer.overlay.topology.chord.sim.ManualClock;
import org.sipring.peer.overlay.topology.chord.sim.SimNetwork;
import org.sipring.peer.storage.InMemoryDataStore;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;
import org.sipring.peer.storage.SlotRules;
import org.sipring.peer.storage.SlotStore;
import org.sipring.peer.storage.StorageService;

/**
 * Store requests at one peer driven by hand (RFC 6940 §7.4.1, §10.4): each bad request gets its
 * RELOAD error and changes nothing; a good one goes to its replica while the owner commits, and
 * is acknowledged only after both.
 * This peer owns (c0.., 40..]; a second peer at c0.. owns (40.., c0..] and is its successor.
 */
class StorageRequestTest {

    private record Sent(LinkTarget target, Message message) {
    }

    private static final class RecordingLink implements Link {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void start(LinkListener listener) {
        }

        @Override
        public void send(LinkTarget target, Message message) {
            sent.add(new Sent(target, message));
        }

        @Override
        public void close(LinkTarget target) {
        }

        @Override
        public void stop() {
        }
    }

    private static final String OVERLAY = "test.sipring";
    private static final Kind DICT = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);
    private static final NodeId SELF = NodeId.fromHex("40000000000000000000000000000000");
    private static final NodeId OTHER = NodeId.fromHex("c0000000000000000000000000000000");
    /** Owned by this peer: in (c0.., 40..]. */
    private static final ResourceId MINE = ResourceId.fromHex("10000000000000000000000000000000");
    /** Owned by the other peer: in (40.., c0..]. */
    private static final ResourceId THEIRS = ResourceId.fromHex("80000000000000000000000000000000");

    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final RecordingLink link = new RecordingLink();
    private final InMemoryDataStore disk = new InMemoryDataStore();
    private final StorageService storage = StorageService.inline(new SlotStore(disk,
        new KindRegistry(List.of(new KindSpec(DICT, 2, 16))), Map.of(), new SlotRules(86_400_000L)), clock);
    private final HeldCommitStorage commits = new HeldCommitStorage(storage);
    private final ChordPeer peer = new ChordPeer(ChordConfig.defaults(OVERLAY, SimNetwork.address(1))
        .withNodeId(SELF)
        .withTimers(Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60)),
        link, clock, new SplittableRandom(3), new StorageHandler(commits, Runnable::run, RangeSync.Settings.defaults()));
    private long txId = 100;

    @BeforeEach
    void twoPeerRing() {
        peer.join(List.of(), new CompletableFuture<>());
        ForwardingHeader h = header(List.of(new Destination.Node(SELF)));
        peer.onMessage(1, null, new Message(h, new MessageBody.UpdateReq(1, MessageBody.UpdateType.PEER_READY,
            List.of(), List.of(), List.of()), List.of(new PeerDirectory(
            List.of(new PeerRecord(OTHER, SimNetwork.address(2), 1, PeerStatus.ALIVE))))));
        assertThat(peer.successors()).containsExactly(OTHER);
        link.sent.clear();
    }

    private ForwardingHeader header(List<Destination> dest) {
        return new ForwardingHeader(ForwardingHeader.overlayId(OVERLAY), 1, 100, txId++, 0, List.of(), dest,
            new byte[0]);
    }

    private StoredData entry(String key, String value) {
        return StoredData.of(new StoredValue(clock.millis(), 60, 0, key.getBytes(StandardCharsets.UTF_8), true,
            value.getBytes(StandardCharsets.UTF_8)), DataModel.DICTIONARY);
    }

    private Message store(ResourceId r, int replica, long generation, List<StoredData> values, PeerRecord sender) {
        Destination to = replica == 0 ? new Destination.Resource(r) : new Destination.Node(SELF);
        return new Message(header(List.of(to)),
            new StoreReq(r, replica, List.of(new StoreKindData(DICT.id(), generation, values))),
            sender == null ? List.of() : List.of(new PeerDirectory(List.of(sender))));
    }

    /** Delivers a request on connection 9 and returns the answer this peer sent back on it. */
    private MessageBody answerTo(Message request) {
        link.sent.clear();
        peer.onMessage(9, null, request);
        return link.sent.stream().filter(s -> s.target().equals(new LinkTarget.OnConnection(9)))
            .map(s -> s.message().body()).findFirst().orElseThrow(() -> new AssertionError("no answer"));
    }

    private static ErrorCode errorOf(MessageBody b) {
        assertThat(b).isInstanceOf(MessageBody.Error.class);
        return ((MessageBody.Error) b).errorCode();
    }

    private List<StoredValue> held(ResourceId r) {
        return storage.fetch(new SlotKey(r, DICT.id())).join();
    }

    /** Stores one entry at this peer as the owner, confirming the replica store it sends to the other peer. */
    private StoreAns storeConfirmed(ResourceId r, long generation, StoredData value) {
        link.sent.clear();
        peer.onMessage(9, null, store(r, 0, generation, List.of(value), null));
        confirmReplica();
        return (StoreAns) answerOnClientConnection().orElseThrow(() -> new AssertionError("no answer"));
    }

    /** Answers the replica store this peer sent to the other peer with a StoreAns. */
    private void confirmReplica() {
        Sent replica = link.sent.stream().filter(s -> s.message().body() instanceof StoreReq sr && sr.replicaNumber() == 1)
            .findFirst().orElseThrow(() -> new AssertionError("no replica store sent"));
        assertThat(answerOnClientConnection()).as("no answer before the replica confirmed").isEmpty();
        StoreReq sr = (StoreReq) replica.message().body();
        Message ans = new Message(new ForwardingHeader(ForwardingHeader.overlayId(OVERLAY), 1, 100,
            replica.message().transactionId(), 0, List.of(), List.of(), new byte[0]),
            new StoreAns(List.of(new MessageBody.StoreKindResponse(DICT.id(), sr.kindData().get(0).generationCounter(),
                List.of()))), List.of());
        peer.onMessage(2, SimNetwork.address(2), ans);
    }

    private Optional<MessageBody> answerOnClientConnection() {
        return link.sent.stream().filter(s -> s.target().equals(new LinkTarget.OnConnection(9)))
            .map(s -> s.message().body()).findFirst();
    }

    @Test
    void aGoodStoreIsAcknowledgedAfterItsReplicaWithTheGenerationAndTheReplica() {
        StoreAns ans = storeConfirmed(MINE, 0, entry("a", "1"));
        assertThat(ans.kindResponses().get(0).generationCounter()).isEqualTo(1);
        assertThat(ans.kindResponses().get(0).replicas()).containsExactly(OTHER);
        assertThat(held(MINE)).hasSize(1);
    }

    @Test
    void theReplicaStoreGoesOutWhileTheOwnersCommitRunsAndTheAnswerWaitsForBoth() {
        commits.hold = true;
        link.sent.clear();
        peer.onMessage(9, null, store(MINE, 0, 0, List.of(entry("a", "1")), null));
        assertThat(commits.held).as("the owner's commit is still running").hasSize(1);
        confirmReplica();
        assertThat(answerOnClientConnection()).as("no answer before the owner's commit").isEmpty();

        commits.held.get(0).release();
        assertThat(answerOnClientConnection()).get().isInstanceOf(StoreAns.class);
    }

    @Test
    void aFailedOwnerCommitFailsTheStoreThoughItsReplicaConfirmed() {
        commits.hold = true;
        link.sent.clear();
        peer.onMessage(9, null, store(MINE, 0, 0, List.of(entry("a", "1")), null));
        confirmReplica();

        commits.held.get(0).fail(new OverlayException.Overloaded("storage failure: disk full"));
        assertThat(errorOf(answerOnClientConnection().orElseThrow(() -> new AssertionError("no answer"))))
            .isEqualTo(ErrorCode.IN_PROGRESS);
    }

    @Test
    void aStaleGenerationIsRefusedAndChangesNothing() {
        storeConfirmed(MINE, 0, entry("a", "1"));
        assertThat(errorOf(answerTo(store(MINE, 0, 7, List.of(entry("b", "2")), null))))
            .isEqualTo(ErrorCode.GENERATION_COUNTER_TOO_LOW);
        assertThat(held(MINE)).extracting(v -> new String(v.key(), StandardCharsets.UTF_8)).containsExactly("a");
    }

    @Test
    void anOversizedValueAndTooManyValuesAreRefusedNotTruncated() {
        assertThat(errorOf(answerTo(store(MINE, 0, 0, List.of(entry("a", "x".repeat(17))), null))))
            .isEqualTo(ErrorCode.DATA_TOO_LARGE);
        assertThat(errorOf(answerTo(store(MINE, 0, 0, List.of(entry("a", "1"), entry("b", "2"), entry("c", "3")),
            null)))).isEqualTo(ErrorCode.DATA_TOO_LARGE);
        assertThat(held(MINE)).isEmpty();
    }

    @Test
    void anUnknownKindIsAnsweredWithErrorUnknownKind() {
        Message m = new Message(header(List.of(new Destination.Resource(MINE))), new MessageBody.UnknownKindReq(
            org.sipring.peer.overlay.message.MessageCode.STORE_REQ, MINE, List.of(77L), new byte[] {1, 2}), List.of());
        assertThat(errorOf(answerTo(m))).isEqualTo(ErrorCode.UNKNOWN_KIND);
        assertThat(disk.stats().slots()).isZero();
    }

    @Test
    void anOriginalStoreForAResourceOfAnotherPeerIsRefusedNotKept() {
        Message m = new Message(header(List.of(new Destination.Node(SELF))),
            new StoreReq(THEIRS, 0, List.of(new StoreKindData(DICT.id(), 0, List.of(entry("a", "1"))))), List.of());
        assertThat(errorOf(answerTo(m))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(held(THEIRS)).isEmpty();
    }

    @Test
    void aReplicaStoreFromAPeerThatIsNotAPredecessorIsRefused() {
        PeerRecord stranger = new PeerRecord(NodeId.fromHex("20000000000000000000000000000000"),
            SimNetwork.address(3), 1, PeerStatus.ALIVE);
        assertThat(errorOf(answerTo(store(THEIRS, 1, 1, List.of(entry("a", "1")), stranger))))
            .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(errorOf(answerTo(store(THEIRS, 1, 1, List.of(entry("a", "1")), null))))
            .as("a replica store naming no sender").isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(held(THEIRS)).isEmpty();

        PeerRecord predecessor = new PeerRecord(OTHER, SimNetwork.address(2), 1, PeerStatus.ALIVE);
        assertThat(answerTo(store(THEIRS, 1, 1, List.of(entry("a", "1")), predecessor))).isInstanceOf(StoreAns.class);
        assertThat(held(THEIRS)).hasSize(1);
    }

    @Test
    void aReplicaStoreOlderThanTheHeldCopyIsRefusedWithDataTooOld() {
        PeerRecord predecessor = new PeerRecord(OTHER, SimNetwork.address(2), 1, PeerStatus.ALIVE);
        long now = clock.millis();
        StoredData newer = StoredData.of(new StoredValue(now + 5_000, 60, 0, "a".getBytes(StandardCharsets.UTF_8), true,
            "new".getBytes(StandardCharsets.UTF_8)), DataModel.DICTIONARY);
        StoredData older = StoredData.of(new StoredValue(now + 4_000, 60, 0, "a".getBytes(StandardCharsets.UTF_8), true,
            "old".getBytes(StandardCharsets.UTF_8)), DataModel.DICTIONARY);
        assertThat(answerTo(store(THEIRS, 1, 2, List.of(newer), predecessor))).isInstanceOf(StoreAns.class);
        assertThat(errorOf(answerTo(store(THEIRS, 1, 1, List.of(older), predecessor))))
            .isEqualTo(ErrorCode.DATA_TOO_OLD);
        assertThat(held(THEIRS)).extracting(v -> new String(v.value(), StandardCharsets.UTF_8)).containsExactly("new");
    }
}
