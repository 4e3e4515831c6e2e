package org.sipring.peer.overlay.message;

import java.util.List;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Typed message bodies (the message_body of MessageContents, RFC 6940 §6.3.3). Each record
 * mirrors one RFC structure; {@link MessageCodec} turns them into bytes and back. Byte-array
 * fields are copied on the way in.
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
    }

    /**
     * §6.5.1 IceCandidate of type host(1). overlayLink is the OverlayLinkType: 4 =
     * TLS-TCP-FH-NO-ICE (§6.6.5; also used for this overlay's development plain-TCP mode).
     */
    record IceCandidate(PeerAddress address, int overlayLink, byte[] foundation, long priority) {
        public IceCandidate {
            foundation = foundation.clone();
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
    }

    /** §6.4.2.1 JoinAns. */
    record JoinAns(byte[] overlaySpecific) implements MessageBody {
        public JoinAns {
            overlaySpecific = overlaySpecific.clone();
        }

        public MessageCode code() {
            return MessageCode.JOIN_ANS;
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
    }

    /** §10.8 ChordRouteQueryAns: the peer the request would be routed to next. */
    record RouteQueryAns(NodeId nextPeer) implements MessageBody {
        public MessageCode code() {
            return MessageCode.ROUTE_QUERY_ANS;
        }
    }

    /** §6.3.3.1 ErrorResponse. The reason travels in error_info as UTF-8 text. */
    record Error(ErrorCode errorCode, byte[] errorInfo) implements MessageBody {
        public Error {
            errorInfo = errorInfo.clone();
        }

        public MessageCode code() {
            return MessageCode.ERROR;
        }
    }
}
