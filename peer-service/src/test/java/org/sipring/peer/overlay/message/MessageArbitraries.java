package org.sipring.peer.overlay.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.MessageBody.*;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;
import org.sipring.peer.overlay.message.testing.SampleMessages;

/** jqwik generators for random, valid RELOAD messages (kinds from {@link SampleMessages#KINDS}). */
final class MessageArbitraries {

    private MessageArbitraries() {
    }

    static Arbitrary<byte[]> bytes(int max) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(max);
    }

    static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xffffffffL);
    }

    static Arbitrary<NodeId> nodeIds() {
        return Arbitraries.longs().tuple2().map(t -> new NodeId(t.get1(), t.get2()));
    }

    static Arbitrary<ResourceId> resourceIds() {
        return Arbitraries.longs().tuple2().map(t -> new ResourceId(t.get1(), t.get2()));
    }

    static Arbitrary<List<NodeId>> nodeIdLists() {
        return nodeIds().list().ofMaxSize(6);
    }

    static Arbitrary<Destination> destinations() {
        return Arbitraries.oneOf(
            nodeIds().map(Destination.Node::new),
            resourceIds().map(Destination.Resource::new),
            bytes(20).map(Destination.Opaque::new));
    }

    static Arbitrary<PeerAddress> addresses() {
        Arbitrary<byte[]> ip = Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofSize(4),
            Arbitraries.bytes().array(byte[].class).ofSize(16));
        return Combinators.combine(ip, Arbitraries.integers().between(1, 65535)).as((a, port) -> {
            try {
                return new PeerAddress(InetAddress.getByAddress(a), port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Arbitrary<DataValue> dataValues() {
        return Combinators.combine(Arbitraries.of(true, false), bytes(40)).as(DataValue::new);
    }

    static Arbitrary<StoredData> storedData(org.sipring.peer.overlay.DataModel model) {
        Arbitrary<StoredDataValue> v = switch (model) {
            case SINGLE -> dataValues().map(SingleValue::new);
            case ARRAY -> Combinators.combine(u32(), dataValues()).as(ArrayEntry::new);
            case DICTIONARY -> Combinators.combine(bytes(20), dataValues()).as(DictionaryEntry::new);
        };
        return Combinators.combine(Arbitraries.longs(), u32(), v).as(StoredData::new);
    }

    static Arbitrary<org.sipring.peer.overlay.Kind> kinds() {
        return Arbitraries.of(SampleMessages.SIP_REGISTRATION, SampleMessages.SINGLE_KIND, SampleMessages.ARRAY_KIND);
    }

    static Arbitrary<StoreKindData> storeKindData() {
        return kinds().flatMap(k -> Combinators.combine(Arbitraries.longs(), storedData(k.model()).list().ofMaxSize(3))
            .as((gen, values) -> new StoreKindData(k.id(), gen, values)));
    }

    static Arbitrary<FetchKindResponse> fetchKindResponses() {
        return kinds().flatMap(k -> Combinators.combine(Arbitraries.longs(), storedData(k.model()).list().ofMaxSize(3))
            .as((gen, values) -> new FetchKindResponse(k.id(), gen, values)));
    }

    static Arbitrary<StoredDataSpecifier> specifiers() {
        Arbitrary<Long> gen = Arbitraries.longs();
        return Arbitraries.oneOf(
            gen.map(g -> new SingleSpecifier(SampleMessages.SINGLE_KIND.id(), g)),
            Combinators.combine(gen, Combinators.combine(u32(), u32()).as(ArrayRange::new).list().ofMaxSize(3))
                .as((g, r) -> new ArraySpecifier(SampleMessages.ARRAY_KIND.id(), g, r)),
            Combinators.combine(gen, bytes(20).list().ofMaxSize(3))
                .as((g, k) -> new DictionarySpecifier(SampleMessages.SIP_REGISTRATION.id(), g, k)));
    }

    /** Arcs (start, end], wrapping or not, and the whole ring (start == end). */
    static Arbitrary<IdInterval> intervals() {
        return Arbitraries.frequencyOf(
            Tuple.of(4, Combinators.combine(nodeIds(), nodeIds()).as(IdInterval::openClosed)),
            Tuple.of(1, nodeIds().map(id -> IdInterval.openClosed(id, id))));
    }

    static Arbitrary<SlotKey> slotKeys() {
        return Combinators.combine(resourceIds(), u32()).as(SlotKey::new);
    }

    static Arbitrary<Element> elements() {
        return Combinators.combine(bytes(12), Arbitraries.longs(), u32(), Arbitraries.of(true, false), bytes(30))
            .as(Element::new);
    }

    /** Slots as decoded: the purge time is local and never sent, so decoding sets Long.MAX_VALUE. */
    static Arbitrary<Slot> slots() {
        Arbitrary<List<Element>> elements = elements().list().ofMaxSize(4)
            .uniqueElements(e -> ByteBuffer.wrap(e.name()));
        return Combinators.combine(slotKeys(), Arbitraries.longs(), elements)
            .as((key, gen, es) -> new Slot(key, gen, es, Long.MAX_VALUE));
    }

    static Arbitrary<SyncOp> syncOps() {
        Arbitrary<Integer> positive = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        return Arbitraries.oneOf(
            Combinators.combine(intervals(), Arbitraries.integers().between(1, 4096), Arbitraries.longs())
                .as(DigestOp::new),
            Combinators.combine(intervals(), slotKeys().injectNull(0.3), positive, positive,
                Arbitraries.longs().between(0, Long.MAX_VALUE)).as(PullOp::new),
            slots().list().ofMaxSize(3).map(PushOp::new));
    }

    static Arbitrary<SyncResult> syncResults() {
        Arbitrary<DigestResult> digest = Arbitraries.longs().tuple2().list().ofMaxSize(20).map(buckets ->
            new DigestResult(buckets.stream().map(Tuple.Tuple2::get1).toList(),
                buckets.stream().map(Tuple.Tuple2::get2).toList()));
        return Arbitraries.oneOf(
            digest,
            Combinators.combine(slots().list().ofMaxSize(3), Arbitraries.of(true, false)).as(PullResult::new),
            Arbitraries.integers().between(0, Integer.MAX_VALUE).map(PushResult::new));
    }

    static Arbitrary<String> procedureNames() {
        return Arbitraries.strings().alpha().numeric().withChars("._-:/é→漢").ofMaxLength(40);
    }

    /** StoreReqs and FetchReqs naming kinds outside {@link SampleMessages#KINDS}, as received. */
    static Arbitrary<MessageBody> unknownKindReqs() {
        Arbitrary<StoreKindData> unknownData = Combinators.combine(
            Arbitraries.of(SampleMessages.UNKNOWN_SINGLE_KIND, SampleMessages.UNKNOWN_DICTIONARY_KIND),
            Arbitraries.longs(), Arbitraries.integers().between(0, 2)).flatAs((k, gen, n) ->
                storedData(k.model()).list().ofSize(n).map(values -> new StoreKindData(k.id(), gen, values)));
        Arbitrary<StoredDataSpecifier> unknownSpec = Arbitraries.oneOf(
            Arbitraries.longs().map(g -> new SingleSpecifier(SampleMessages.UNKNOWN_SINGLE_KIND.id(), g)),
            Combinators.combine(Arbitraries.longs(), bytes(20).list().ofMaxSize(3))
                .as((g, k) -> new DictionarySpecifier(SampleMessages.UNKNOWN_DICTIONARY_KIND.id(), g, k)));
        Arbitrary<List<StoreKindData>> kindData = mixed(storeKindData(), unknownData);
        Arbitrary<List<StoredDataSpecifier>> specs = mixed(specifiers(), unknownSpec);
        return Arbitraries.oneOf(
            Combinators.combine(resourceIds(), Arbitraries.integers().between(0, 255), kindData).as(StoreReq::new),
            Combinators.combine(resourceIds(), specs).as(FetchReq::new))
            .map(SampleMessages::unknownKindReq);
    }

    /** Up to two of {@code known} and one or two of {@code unknown}, in random order. */
    private static <T> Arbitrary<List<T>> mixed(Arbitrary<T> known, Arbitrary<T> unknown) {
        return Combinators.combine(known.list().ofMaxSize(2), unknown.list().ofMinSize(1).ofMaxSize(2))
            .as((k, u) -> {
                List<T> all = new ArrayList<>(k);
                all.addAll(u);
                return all;
            })
            .flatMap(all -> Arbitraries.shuffle(all));
    }

    /** The private-extension bodies (exp_a, exp_b) and requests naming unknown kinds. */
    static Arbitrary<MessageBody> extensionBodies() {
        return Arbitraries.oneOf(
            syncOps().map(SyncReq::new),
            syncResults().map(SyncAns::new),
            Combinators.combine(resourceIds(), u32(), procedureNames(), bytes(40)).as(SlotUpdateReq::new),
            Combinators.combine(Arbitraries.longs(), bytes(40)).as(SlotUpdateAns::new),
            unknownKindReqs());
    }

    static Arbitrary<IceCandidate> candidates() {
        return Combinators.combine(addresses(), Arbitraries.integers().between(0, 255), bytes(10), u32())
            .as(IceCandidate::new);
    }

    static Arbitrary<MessageBody> bodies() {
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<MessageBody> probeReq = Arbitraries.of(ProbeInfoType.class).list().ofMaxSize(5).map(ProbeReq::new);
        Arbitrary<MessageBody> probeAns = Combinators.combine(Arbitraries.of(ProbeInfoType.class), u32())
            .as(ProbeInfo::new).list().ofMaxSize(4).map(ProbeAns::new);
        Arbitrary<MessageBody> attach = Combinators.combine(bool, bytes(20), bytes(20), bytes(8),
            candidates().list().ofMaxSize(3), bool).as(Attach::new);
        Arbitrary<MessageBody> update = Combinators.combine(u32(), Arbitraries.of(UpdateType.class),
            nodeIdLists(), nodeIdLists(), nodeIdLists()).as((up, t, p, s, f) -> switch (t) {
                case PEER_READY -> new UpdateReq(up, t, List.of(), List.of(), List.of());
                case NEIGHBORS -> new UpdateReq(up, t, p, s, List.of());
                case FULL -> new UpdateReq(up, t, p, s, f);
            });
        return Arbitraries.oneOf(List.of(
            Arbitraries.integers().between(0, 300).map(PingReq::new),
            Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(PingAns::new),
            probeReq, probeAns, attach,
            Combinators.combine(nodeIds(), bytes(30)).as(JoinReq::new),
            bytes(30).map(JoinAns::new),
            Combinators.combine(nodeIds(), bool, nodeIdLists())
                .as((id, succ, peers) -> new LeaveReq(id, new ChordLeaveData(succ, peers))),
            Arbitraries.just(new LeaveAns()),
            update,
            Arbitraries.just(new UpdateAns()),
            Combinators.combine(bool, destinations(), bytes(20)).as(RouteQueryReq::new),
            nodeIds().map(RouteQueryAns::new),
            Combinators.combine(Arbitraries.of(ErrorCode.class), bytes(40)).as(MessageBody.Error::new),
            Combinators.combine(resourceIds(), Arbitraries.integers().between(0, 255),
                storeKindData().list().ofMaxSize(3)).as(StoreReq::new),
            Combinators.combine(u32(), Arbitraries.longs(), nodeIdLists()).as(StoreKindResponse::new)
                .list().ofMaxSize(3).map(StoreAns::new),
            Combinators.combine(resourceIds(), specifiers().list().ofMaxSize(3)).as(FetchReq::new),
            fetchKindResponses().list().ofMaxSize(3).map(FetchAns::new),
            extensionBodies()));
    }

    static Arbitrary<MessageExtension> extensions() {
        Arbitrary<PeerRecord> record = Combinators.combine(nodeIds(), addresses(), Arbitraries.longs(),
            Arbitraries.of(PeerStatus.class)).as(PeerRecord::new);
        return Arbitraries.oneOf(
            record.list().ofMaxSize(4).map(PeerDirectory::new),
            Combinators.combine(Arbitraries.integers().between(0, 0xffff).filter(t -> t != PeerDirectory.TYPE),
                Arbitraries.of(true, false), bytes(30)).as(MessageExtension.Unknown::new));
    }

    static Arbitrary<ForwardingHeader> headers() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers().between(0, 0xffff),
            Arbitraries.integers().between(0, 255), Arbitraries.longs(), Arbitraries.integers(),
            destinations().list().ofMaxSize(3), destinations().list().ofMaxSize(3),
            Arbitraries.of(new byte[0], new byte[] {1, 0, 0, 0}, new byte[] {9, 4, 0, 2, 7, 7}))
            .as(ForwardingHeader::new);
    }

    static Arbitrary<Message> messages() {
        return Combinators.combine(headers(), bodies(), extensions().list().ofMaxSize(2)).as(Message::new);
    }
}
