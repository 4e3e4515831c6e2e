package org.sipring.peer.overlay.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * Typed message bodies (the message_body of MessageContents, RFC 6940 §6.3.3). Each record
 * mirrors one RFC structure; {@link MessageCodec} turns them into bytes and back. Byte-array
 * fields are copied on the way in and compared by content.
 */
public sealed interface MessageBody {

    MessageCode code();

    /** §6.5.3.1 PingReq: padding only. */
    record PingReq(int paddingLength) implements MessageBody {
        public MessageCode code() {
            return MessageCode.PING_REQ;
        }
    }

    /** §6.5.3.2 PingAns. */
    record PingAns(long responseId, long time) implements MessageBody {
        public MessageCode code() {
            return MessageCode.PING_ANS;
        }
    }

    /** §6.4.2.5.1 ProbeReq: the requested ProbeInformationType values. */
    record ProbeReq(List<ProbeInfoType> requested) implements MessageBody {
        public ProbeReq {
            requested = List.copyOf(requested);
        }

        public MessageCode code() {
            return MessageCode.PROBE_REQ;
        }
    }

    /** §6.4.2.5.2 ProbeAns. */
    record ProbeAns(List<ProbeInfo> info) implements MessageBody {
        public ProbeAns {
            info = List.copyOf(info);
        }

        public MessageCode code() {
            return MessageCode.PROBE_ANS;
        }
    }

    enum ProbeInfoType {
        RESPONSIBLE_SET(1), NUM_RESOURCES(2), UPTIME(3);

        public final int value;

        ProbeInfoType(int value) {
            this.value = value;
        }
    }

    /** One ProbeInformation: every defined type carries a uint32. */
    record ProbeInfo(ProbeInfoType type, long value) {
    }

    /** §6.5.1 AttachReqAns, restricted to what a no-ICE TCP peer uses (host candidates). */
    record Attach(boolean answer, byte[] ufrag, byte[] password, byte[] role, List<IceCandidate> candidates,
                  boolean sendUpdate) implements MessageBody {
        public Attach {
            ufrag = ufrag.clone();
            password = password.clone();
            role = role.clone();
            candidates = List.copyOf(candidates);
        }

        public MessageCode code() {
            return answer ? MessageCode.ATTACH_ANS : MessageCode.ATTACH_REQ;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attach a && answer == a.answer && sendUpdate == a.sendUpdate
                && Arrays.equals(ufrag, a.ufrag) && Arrays.equals(password, a.password)
                && Arrays.equals(role, a.role) && candidates.equals(a.candidates);
        }

        @Override
        public int hashCode() {
            return Objects.hash(answer, sendUpdate, Arrays.hashCode(ufrag), Arrays.hashCode(password),
                Arrays.hashCode(role), candidates);
        }

        @Override
        public String toString() {
            return "Attach[answer=" + answer + ", candidates=" + candidates + ", sendUpdate=" + sendUpdate + "]";
        }
    }

    /**
     * §6.5.1 IceCandidate of type host(1). overlayLink is the OverlayLinkType: 4 =
     * TLS-TCP-FH-NO-ICE (§6.6.5; also used for this overlay's development plain-TCP mode).
     */
    record IceCandidate(PeerAddress address, int overlayLink, byte[] foundation, long priority) {
        public IceCandidate {
            foundation = foundation.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IceCandidate c && address.equals(c.address) && overlayLink == c.overlayLink
                && Arrays.equals(foundation, c.foundation) && priority == c.priority;
        }

        @Override
        public int hashCode() {
            return Objects.hash(address, overlayLink, Arrays.hashCode(foundation), priority);
        }

        @Override
        public String toString() {
            return "IceCandidate[" + address + ", link=" + overlayLink + ", foundation="
                + hex(foundation) + ", priority=" + priority + "]";
        }
    }

    /** §6.4.2.1 JoinReq. */
    record JoinReq(NodeId joiningPeer, byte[] overlaySpecific) implements MessageBody {
        public JoinReq {
            overlaySpecific = overlaySpecific.clone();
        }

        public MessageCode code() {
            return MessageCode.JOIN_REQ;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JoinReq j && joiningPeer.equals(j.joiningPeer)
                && Arrays.equals(overlaySpecific, j.overlaySpecific);
        }

        @Override
        public int hashCode() {
            return 31 * joiningPeer.hashCode() + Arrays.hashCode(overlaySpecific);
        }

        @Override
        public String toString() {
            return "JoinReq[" + joiningPeer + ", " + hex(overlaySpecific) + "]";
        }
    }

    /** §6.4.2.1 JoinAns. */
    record JoinAns(byte[] overlaySpecific) implements MessageBody {
        public JoinAns {
            overlaySpecific = overlaySpecific.clone();
        }

        public MessageCode code() {
            return MessageCode.JOIN_ANS;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof JoinAns j && Arrays.equals(overlaySpecific, j.overlaySpecific);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(overlaySpecific);
        }

        @Override
        public String toString() {
            return "JoinAns[" + hex(overlaySpecific) + "]";
        }
    }

    /** §6.4.2.2 LeaveReq with its chord-reload overlay data (§10.9 ChordLeaveData). */
    record LeaveReq(NodeId leavingPeer, ChordLeaveData data) implements MessageBody {
        public MessageCode code() {
            return MessageCode.LEAVE_REQ;
        }
    }

    /** §10.9 ChordLeaveData: from_succ(1) carries successors, from_pred(2) predecessors. */
    record ChordLeaveData(boolean fromSuccessor, List<NodeId> peers) {
        public ChordLeaveData {
            peers = List.copyOf(peers);
        }
    }

    /** §6.4.2.2 LeaveAns (empty). */
    record LeaveAns() implements MessageBody {
        public MessageCode code() {
            return MessageCode.LEAVE_ANS;
        }
    }

    /** §6.4.2.3 UpdateReq whose body is the chord-reload ChordUpdate (§10.7.1). */
    record UpdateReq(long uptimeSeconds, UpdateType type, List<NodeId> predecessors, List<NodeId> successors,
                     List<NodeId> fingers) implements MessageBody {
        public UpdateReq {
            predecessors = List.copyOf(predecessors);
            successors = List.copyOf(successors);
            fingers = List.copyOf(fingers);
        }

        public MessageCode code() {
            return MessageCode.UPDATE_REQ;
        }
    }

    enum UpdateType {
        PEER_READY(1), NEIGHBORS(2), FULL(3);

        public final int value;

        UpdateType(int value) {
            this.value = value;
        }
    }

    /** §6.4.2.3 UpdateAns (empty). */
    record UpdateAns() implements MessageBody {
        public MessageCode code() {
            return MessageCode.UPDATE_ANS;
        }
    }

    /** §6.4.2.4 RouteQueryReq. */
    record RouteQueryReq(boolean sendUpdate, Destination destination, byte[] overlaySpecific)
        implements MessageBody {
        public RouteQueryReq {
            overlaySpecific = overlaySpecific.clone();
        }

        public MessageCode code() {
            return MessageCode.ROUTE_QUERY_REQ;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RouteQueryReq r && sendUpdate == r.sendUpdate && destination.equals(r.destination)
                && Arrays.equals(overlaySpecific, r.overlaySpecific);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sendUpdate, destination, Arrays.hashCode(overlaySpecific));
        }

        @Override
        public String toString() {
            return "RouteQueryReq[" + destination + ", sendUpdate=" + sendUpdate + ", " + hex(overlaySpecific) + "]";
        }
    }

    /** §10.8 ChordRouteQueryAns: the peer the request would be routed to next. */
    record RouteQueryAns(NodeId nextPeer) implements MessageBody {
        public MessageCode code() {
            return MessageCode.ROUTE_QUERY_ANS;
        }
    }

    /**
     * §6.3.3.1 ErrorResponse {uint16 error_code; opaque error_info<0..2^16-1>}. The reason travels
     * in error_info as UTF-8 text, except for Error_Generation_Counter_Too_Low whose error_info is
     * a StoreAns (§7.4.1.2; see {@link MessageCodec#encodeStoreAns}).
     */
    record Error(ErrorCode errorCode, byte[] errorInfo) implements MessageBody {
        public Error {
            errorInfo = errorInfo.clone();
        }

        public MessageCode code() {
            return MessageCode.ERROR;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Error e && errorCode == e.errorCode && Arrays.equals(errorInfo, e.errorInfo);
        }

        @Override
        public int hashCode() {
            return 31 * errorCode.hashCode() + Arrays.hashCode(errorInfo);
        }

        @Override
        public String toString() {
            return "Error[" + errorCode + ", " + new String(errorInfo, java.nio.charset.StandardCharsets.UTF_8) + "]";
        }
    }

    // ---------------------------------------------------------------- storage (§7)

    /** §7.4.1.1 StoreReq. */
    record StoreReq(ResourceId resource, int replicaNumber, List<StoreKindData> kindData) implements MessageBody {
        public StoreReq {
            Objects.requireNonNull(resource, "resource");
            if (replicaNumber < 0 || replicaNumber > 255) {
                throw new IllegalArgumentException("replica_number must be a uint8: " + replicaNumber);
            }
            kindData = List.copyOf(kindData);
        }

        public MessageCode code() {
            return MessageCode.STORE_REQ;
        }
    }

    /**
     * §7.4.1.1 StoreKindData. Every value must use the kind's data model; the codec checks this
     * against the values' {@link StoredDataValue} types.
     */
    record StoreKindData(long kind, long generationCounter, List<StoredData> values) {
        public StoreKindData {
            checkKind(kind);
            values = List.copyOf(values);
        }
    }

    /**
     * §7 StoredData without its length (computed) and signature (this overlay sends StoredData
     * unsigned; see docs/protocol.md).
     *
     * @param storageTime milliseconds since the epoch
     * @param lifetime    seconds, uint32
     */
    record StoredData(long storageTime, long lifetime, StoredDataValue value) {
        public StoredData {
            checkU32(lifetime, "lifetime");
            Objects.requireNonNull(value, "value");
        }

        public DataModel model() {
            return value.model();
        }

        /** Converts to the storage layer's value type. */
        public StoredValue toStoredValue() {
            DataValue dv = value.dataValue();
            long index = value instanceof ArrayEntry a ? a.index() : 0;
            byte[] key = value instanceof DictionaryEntry d ? d.key() : new byte[0];
            return new StoredValue(storageTime, lifetime, index, key, dv.exists(), dv.value());
        }

        /** Converts from the storage layer's value type, in the given data model. */
        public static StoredData of(StoredValue v, DataModel model) {
            DataValue dv = new DataValue(v.exists(), v.value());
            StoredDataValue sdv = switch (model) {
                case SINGLE -> new SingleValue(dv);
                case ARRAY -> new ArrayEntry(v.index(), dv);
                case DICTIONARY -> new DictionaryEntry(v.key(), dv);
            };
            return new StoredData(v.storageTime(), v.lifetime(), sdv);
        }
    }

    /** §7.2 DataValue {Boolean exists; opaque value<0..2^32-1>}. */
    record DataValue(boolean exists, byte[] value) {
        public DataValue {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DataValue d && exists == d.exists && Arrays.equals(value, d.value);
        }

        @Override
        public int hashCode() {
            return 31 * Boolean.hashCode(exists) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "DataValue[exists=" + exists + ", " + hex(value) + "]";
        }
    }

    /** §7.2 StoredDataValue: one entry in the kind's data model. */
    sealed interface StoredDataValue {
        DataModel model();

        DataValue dataValue();
    }

    /** §7.2.1 single_value_entry. */
    record SingleValue(DataValue dataValue) implements StoredDataValue {
        public DataModel model() {
            return DataModel.SINGLE;
        }
    }

    /** §7.2.2 ArrayEntry {uint32 index; DataValue value}. */
    record ArrayEntry(long index, DataValue dataValue) implements StoredDataValue {
        public ArrayEntry {
            checkU32(index, "array index");
        }

        public DataModel model() {
            return DataModel.ARRAY;
        }
    }

    /** §7.2.3 DictionaryEntry {opaque key<0..2^16-1>; DataValue value}. */
    record DictionaryEntry(byte[] key, DataValue dataValue) implements StoredDataValue {
        public DictionaryEntry {
            key = key.clone();
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        public DataModel model() {
            return DataModel.DICTIONARY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DictionaryEntry d && Arrays.equals(key, d.key) && dataValue.equals(d.dataValue);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(key) + dataValue.hashCode();
        }

        @Override
        public String toString() {
            return "DictionaryEntry[key=" + hex(key) + ", " + dataValue + "]";
        }
    }

    /** §7.4.1.2 StoreAns. */
    record StoreAns(List<StoreKindResponse> kindResponses) implements MessageBody {
        public StoreAns {
            kindResponses = List.copyOf(kindResponses);
        }

        public MessageCode code() {
            return MessageCode.STORE_ANS;
        }
    }

    /** §7.4.1.2 StoreKindResponse. */
    record StoreKindResponse(long kind, long generationCounter, List<NodeId> replicas) {
        public StoreKindResponse {
            checkKind(kind);
            replicas = List.copyOf(replicas);
        }
    }

    /** §7.4.2.1 FetchReq. */
    record FetchReq(ResourceId resource, List<StoredDataSpecifier> specifiers) implements MessageBody {
        public FetchReq {
            Objects.requireNonNull(resource, "resource");
            specifiers = List.copyOf(specifiers);
        }

        public MessageCode code() {
            return MessageCode.FETCH_REQ;
        }
    }

    /** §7.4.2.1 StoredDataSpecifier: kind, last seen generation, and a model-specific selection. */
    sealed interface StoredDataSpecifier {
        long kind();

        long generation();

        DataModel model();
    }

    /** Specifier for a single-value kind (empty model_specifier). */
    record SingleSpecifier(long kind, long generation) implements StoredDataSpecifier {
        public SingleSpecifier {
            checkKind(kind);
        }

        public DataModel model() {
            return DataModel.SINGLE;
        }
    }

    /** Specifier for an array kind: ArrayRange indices<0..2^16-1>. */
    record ArraySpecifier(long kind, long generation, List<ArrayRange> indices) implements StoredDataSpecifier {
        public ArraySpecifier {
            checkKind(kind);
            indices = List.copyOf(indices);
        }

        public DataModel model() {
            return DataModel.ARRAY;
        }
    }

    /** §7.4.2.1 ArrayRange, inclusive; 0xffffffff is the last element. */
    record ArrayRange(long first, long last) {
        public ArrayRange {
            checkU32(first, "first");
            checkU32(last, "last");
        }
    }

    /** Specifier for a dictionary kind: DictionaryKey keys<0..2^16-1>; no keys fetches all. */
    record DictionarySpecifier(long kind, long generation, List<byte[]> keys) implements StoredDataSpecifier {
        public DictionarySpecifier {
            checkKind(kind);
            keys = keys.stream().map(byte[]::clone).toList();
        }

        @Override
        public List<byte[]> keys() {
            return keys.stream().map(byte[]::clone).toList();
        }

        public DataModel model() {
            return DataModel.DICTIONARY;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof DictionarySpecifier d) || kind != d.kind || generation != d.generation
                || keys.size() != d.keys.size()) {
                return false;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (!Arrays.equals(keys.get(i), d.keys.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = Objects.hash(kind, generation);
            for (byte[] k : keys) {
                h = 31 * h + Arrays.hashCode(k);
            }
            return h;
        }

        @Override
        public String toString() {
            return "DictionarySpecifier[kind=" + kind + ", generation=" + generation + ", keys="
                + keys.stream().map(MessageBody::hex).toList() + "]";
        }
    }

    /** §7.4.2.2 FetchAns. */
    record FetchAns(List<FetchKindResponse> kindResponses) implements MessageBody {
        public FetchAns {
            kindResponses = List.copyOf(kindResponses);
        }

        public MessageCode code() {
            return MessageCode.FETCH_ANS;
        }
    }

    /** §7.4.2.2 FetchKindResponse. */
    record FetchKindResponse(long kind, long generation, List<StoredData> values) {
        public FetchKindResponse {
            checkKind(kind);
            values = List.copyOf(values);
        }
    }

    // ---------------------------------------------------------------- private extensions (exp_a, exp_b)

    /**
     * A StoreReq or FetchReq naming a kind this peer does not know (§7.4.1.2): decoded this far so
     * that it can be answered with Error_Unknown_Kind instead of closing the link, and forwarded
     * unchanged. {@code body} is the undecoded message_body.
     */
    record UnknownKindReq(MessageCode requestCode, ResourceId resource, List<Long> unknownKinds, byte[] body)
        implements MessageBody {
        public UnknownKindReq {
            if (requestCode != MessageCode.STORE_REQ && requestCode != MessageCode.FETCH_REQ) {
                throw new IllegalArgumentException("only Store and Fetch name kinds: " + requestCode);
            }
            Objects.requireNonNull(resource, "resource");
            unknownKinds = List.copyOf(unknownKinds);
            body = body.clone();
        }

        public MessageCode code() {
            return requestCode;
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnknownKindReq u && requestCode == u.requestCode && resource.equals(u.resource)
                && unknownKinds.equals(u.unknownKinds) && Arrays.equals(body, u.body);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestCode, resource, unknownKinds, Arrays.hashCode(body));
        }
    }

    /** exp_a request: one range-synchronization operation between neighbors. */
    record SyncReq(SyncOp op) implements MessageBody {
        public SyncReq {
            Objects.requireNonNull(op, "op");
        }

        public MessageCode code() {
            return MessageCode.EXP_A_REQ;
        }
    }

    /** exp_a answer: the result of the operation of the same type. */
    record SyncAns(SyncResult result) implements MessageBody {
        public SyncAns {
            Objects.requireNonNull(result, "result");
        }

        public MessageCode code() {
            return MessageCode.EXP_A_ANS;
        }
    }

    sealed interface SyncOp {
    }

    /**
     * Asks for digests of the slots in a range, split into {@code buckets} equal arcs, counting
     * only elements stored before {@code settledBefore} (so writes in flight do not show).
     */
    record DigestOp(IdInterval range, int buckets, long settledBefore) implements SyncOp {
        public DigestOp {
            Objects.requireNonNull(range, "range");
            if (buckets < 1 || buckets > 4096) {
                throw new IllegalArgumentException("buckets must be 1..4096: " + buckets);
            }
        }
    }

    /**
     * Asks for the slots of a range in ring order, resuming strictly after {@code after} (null for
     * the start), at most {@code maxSlots} slots and about {@code maxBytes} bytes. A non-zero
     * {@code mirrorMillis} asks the answering peer to copy every write it applies in the range to
     * the requester for that long (a joiner taking the range over).
     */
    record PullOp(IdInterval range, SlotKey after, int maxSlots, int maxBytes, long mirrorMillis) implements SyncOp {
        public PullOp {
            Objects.requireNonNull(range, "range");
            if (maxSlots < 1 || maxBytes < 1 || mirrorMillis < 0) {
                throw new IllegalArgumentException("maxSlots, maxBytes must be positive, mirrorMillis >= 0");
            }
        }
    }

    /** Hands slots to the receiver, which merges them by the RELOAD rules (generation, storage_time). */
    record PushOp(List<Slot> slots) implements SyncOp {
        public PushOp {
            slots = List.copyOf(slots);
        }
    }

    sealed interface SyncResult {
    }

    /** One hash and one slot count per bucket of the {@link DigestOp}. */
    record DigestResult(List<Long> hashes, List<Long> counts) implements SyncResult {
        public DigestResult {
            hashes = List.copyOf(hashes);
            counts = List.copyOf(counts);
            if (hashes.size() != counts.size()) {
                throw new IllegalArgumentException("one count per hash");
            }
        }
    }

    /** A batch of a {@link PullOp}; {@code complete} when nothing of the range follows it. */
    record PullResult(List<Slot> slots, boolean complete) implements SyncResult {
        public PullResult {
            slots = List.copyOf(slots);
        }
    }

    /** How many of the pushed slots changed something at the receiver. */
    record PushResult(int merged) implements SyncResult {
    }

    /**
     * exp_b request: runs the named procedure on one slot at the responsible peer, as one atomic
     * read-modify-write (the procedure is registered at every peer; the argument is its input).
     */
    record SlotUpdateReq(ResourceId resource, long kind, String procedure, byte[] argument) implements MessageBody {
        public SlotUpdateReq {
            Objects.requireNonNull(resource, "resource");
            checkKind(kind);
            Objects.requireNonNull(procedure, "procedure");
            argument = argument.clone();
        }

        public MessageCode code() {
            return MessageCode.EXP_B_REQ;
        }

        @Override
        public byte[] argument() {
            return argument.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlotUpdateReq u && resource.equals(u.resource) && kind == u.kind
                && procedure.equals(u.procedure) && Arrays.equals(argument, u.argument);
        }

        @Override
        public int hashCode() {
            return Objects.hash(resource, kind, procedure, Arrays.hashCode(argument));
        }
    }

    /** exp_b answer: the slot's generation after the update and the procedure's reply. */
    record SlotUpdateAns(long generation, byte[] reply) implements MessageBody {
        public SlotUpdateAns {
            reply = reply.clone();
        }

        public MessageCode code() {
            return MessageCode.EXP_B_ANS;
        }

        @Override
        public byte[] reply() {
            return reply.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlotUpdateAns u && generation == u.generation && Arrays.equals(reply, u.reply);
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(generation) + Arrays.hashCode(reply);
        }
    }

    private static void checkKind(long kind) {
        checkU32(kind, "Kind-ID");
    }

    private static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException(what + " must be a uint32: " + v);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
