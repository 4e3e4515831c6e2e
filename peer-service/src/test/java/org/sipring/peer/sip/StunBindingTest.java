package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 5389 Binding on the SIP port: what is STUN, and the success response's XOR-MAPPED-ADDRESS (§15.2). */
class StunBindingTest {

    private static final byte[] TRANSACTION = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private static byte[] request(int type, int attributeBytes) {
        ByteBuffer b = ByteBuffer.allocate(20 + attributeBytes);
        b.putShort((short) type).putShort((short) attributeBytes).putInt(0x2112A442).put(TRANSACTION);
        return b.array();
    }

    @Test
    void onlyWellFormedStunHeadersAreStun() {
        assertThat(StunBinding.isStun(request(0x0001, 0))).isTrue();
        assertThat(StunBinding.isStun(request(0x0001, 8))).isTrue();
        assertThat(StunBinding.isStun("REGISTER sip:example.com SIP/2.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
            .isFalse();
        assertThat(StunBinding.isStun("\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isFalse();
        byte[] noCookie = request(0x0001, 0);
        noCookie[4] = 0;
        assertThat(StunBinding.isStun(noCookie)).isFalse();
        assertThat(StunBinding.isStun(Arrays.copyOf(request(0x0001, 8), 24))).as("length beyond the datagram").isFalse();
        assertThat(StunBinding.isStun(request(0x0001, 6))).as("length not in words").isFalse();
    }

    @Test
    void aBindingRequestGetsItsSourceXoredWithTheCookie() throws Exception {
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 40_000);
        ByteBuffer r = ByteBuffer.wrap(StunBinding.answer(request(0x0001, 0), source).orElseThrow());
        assertThat(r.getShort(0)).isEqualTo((short) 0x0101);
        assertThat(r.getShort(2)).isEqualTo((short) 12);
        assertThat(r.getInt(4)).isEqualTo(0x2112A442);
        assertThat(Arrays.copyOfRange(r.array(), 8, 20)).isEqualTo(TRANSACTION);
        assertThat(r.getShort(20)).isEqualTo((short) 0x0020);
        assertThat(r.getShort(22)).isEqualTo((short) 8);
        assertThat(r.get(25)).as("IPv4").isEqualTo((byte) 1);
        assertThat((r.getShort(26) & 0xFFFF) ^ 0x2112).isEqualTo(40_000);
        assertThat(r.getInt(28) ^ 0x2112A442).isEqualTo(ByteBuffer.wrap(source.getAddress().getAddress()).getInt());
        assertThat(r.capacity()).isEqualTo(32);
    }

    @Test
    void anIpv6SourceIsXoredWithTheCookieAndTheTransaction() throws Exception {
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 5060);
        byte[] r = StunBinding.answer(request(0x0001, 0), source).orElseThrow();
        assertThat(r).hasSize(20 + 4 + 20);
        assertThat(r[25]).isEqualTo((byte) 2);
        byte[] mask = ByteBuffer.allocate(16).putInt(0x2112A442).put(TRANSACTION).array();
        byte[] address = new byte[16];
        for (int i = 0; i < 16; i++) {
            address[i] = (byte) (r[28 + i] ^ mask[i]);
        }
        assertThat(InetAddress.getByAddress(address)).isEqualTo(source.getAddress());
    }

    @Test
    void indicationsAndResponsesGetNoAnswer() {
        InetSocketAddress source = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        assertThat(StunBinding.answer(request(0x0011, 0), source)).as("Binding indication").isEmpty();
        assertThat(StunBinding.answer(request(0x0101, 0), source)).as("Binding success").isEmpty();
        assertThat(StunBinding.answer("OPTIONS".getBytes(StandardCharsets.US_ASCII), source)).isEmpty();
    }
}
