package org.sipring.peer.sip.jainsip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ListIterator;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * Branch parameters that detect loops (RFC 3261 §16.6 step 8, §16.3 step 4): the branch of a
 * forwarded request is the magic cookie, a hash of the fields that identify the request as this
 * proxy received it (Request-URI, To and From tags, Call-ID, CSeq number, top Route), then a
 * random part. A request arriving with a Via of this peer carrying the same hash has been here
 * unchanged before: a loop (482). The same hash with different fields is a spiral, allowed.
 */
final class LoopDetection {

    static final String PREFIX = "z9hG4bKsr";

    private final String host;
    private final int port;

    LoopDetection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    String branch(Request r) {
        return PREFIX + hash(r) + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    /** A stateless branch, the same for every retransmission of the request (ACK for a 2xx, §16.11). */
    String statelessBranch(Request r) {
        ViaHeader top = (ViaHeader) r.getHeader(ViaHeader.NAME);
        return PREFIX + hash(r) + "." + digest(top == null || top.getBranch() == null ? "" : top.getBranch()).substring(0, 12);
    }

    boolean looped(Request r) {
        String mine = PREFIX + hash(r) + ".";
        ListIterator<?> vias = r.getHeaders(ViaHeader.NAME);
        while (vias.hasNext()) {
            ViaHeader v = (ViaHeader) vias.next();
            int p = v.getPort() > 0 ? v.getPort() : 5060;
            if (host.equalsIgnoreCase(v.getHost()) && p == port && v.getBranch() != null && v.getBranch().startsWith(mine)) {
                return true;
            }
        }
        return false;
    }

    private static String hash(Request r) {
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        FromHeader from = (FromHeader) r.getHeader(FromHeader.NAME);
        CallIdHeader callId = (CallIdHeader) r.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        RouteHeader route = (RouteHeader) r.getHeader(RouteHeader.NAME);
        String fields = String.join("\n", String.valueOf(r.getRequestURI()),
            to == null ? "" : String.valueOf(to.getTag()), from == null ? "" : String.valueOf(from.getTag()),
            callId == null ? "" : callId.getCallId(), cseq == null ? "" : Long.toString(cseq.getSeqNumber()),
            route == null ? "" : route.getAddress().getURI().toString());
        return digest(fields).substring(0, 16);
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
