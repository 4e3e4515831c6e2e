package org.sipring.peer.sip;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * STUN Binding on the SIP UDP port, the keep-alive of RFC 5626 §4.4.2 and §8.4: a user agent with
 * an outbound flow over UDP sends Binding requests to the port it registered on and watches the
 * XOR-MAPPED-ADDRESS of the answers for a change of its NAT binding. No authentication is asked
 * for (§8.4). Only the message header and that one attribute are handled (RFC 5389 §6, §15.2);
 * attributes of the request are not read.
 */
public final class StunBinding {

    static final int MAGIC_COOKIE = 0x2112A442;
    static final int HEADER = 20;
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int XOR_MAPPED_ADDRESS = 0x0020;

    private StunBinding() {
    }

    /**
     * A STUN message (RFC 5389 §6): the two top bits zero, which no SIP message starts with, the
     * magic cookie, and a length that covers the rest of the datagram in 32-bit words.
     */
    public static boolean isStun(byte[] datagram) {
        if (datagram.length < HEADER || (datagram[0] & 0xC0) != 0) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(datagram);
        int length = b.getShort(2) & 0xFFFF;
        return b.getInt(4) == MAGIC_COOKIE && length % 4 == 0 && HEADER + length == datagram.length;
    }

    /**
     * The Binding success response to a Binding request, carrying the address the request came
     * from; empty for any other STUN message (an indication, a response), which gets no answer.
     */
    public static Optional<byte[]> answer(byte[] request, InetSocketAddress source) {
        if (!isStun(request) || (ByteBuffer.wrap(request).getShort(0) & 0xFFFF) != BINDING_REQUEST) {
            return Optional.empty();
        }
        byte[] address = source.getAddress().getAddress();
        int family = source.getAddress() instanceof Inet4Address ? 0x01 : 0x02;
        ByteBuffer out = ByteBuffer.allocate(HEADER + 4 + 4 + address.length);
        out.putShort((short) BINDING_SUCCESS);
        out.putShort((short) (4 + 4 + address.length));
        out.putInt(MAGIC_COOKIE);
        out.put(request, 8, 12);
        out.putShort((short) XOR_MAPPED_ADDRESS);
        out.putShort((short) (4 + address.length));
        out.put((byte) 0);
        out.put((byte) family);
        out.putShort((short) (source.getPort() ^ (MAGIC_COOKIE >>> 16)));
        // XOR with the magic cookie, then (IPv6) the transaction ID (RFC 5389 §15.2)
        byte[] mask = new byte[16];
        ByteBuffer.wrap(mask).putInt(MAGIC_COOKIE);
        System.arraycopy(request, 8, mask, 4, 12);
        for (int i = 0; i < address.length; i++) {
            out.put((byte) (address[i] ^ mask[i]));
        }
        return Optional.of(out.array());
    }
}
