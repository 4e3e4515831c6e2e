package org.sipring.peer.overlay.message.testing;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic libpcap file (Ethernet link type) holding synthetic IPv4/TCP segments, so
 * tests can feed encoded RELOAD traffic to Wireshark/tshark. Each {@link TcpFlow#send} call
 * becomes exactly one TCP segment (one pcap record); sequence and acknowledgement numbers,
 * IP/TCP lengths and checksums are correct, so tshark's TCP analysis stays quiet.
 *
 * <pre>{@code
 * try (PcapWriter pcap = PcapWriter.create(file)) {
 *     PcapWriter.TcpFlow flow = pcap.tcpFlow("10.0.0.1", 40000, "10.0.0.2", 6084);
 *     flow.handshake();
 *     flow.clientToServer(ReloadFrames.data(0, messageBytes));
 *     flow.serverToClient(ReloadFrames.ack(0, 0));
 * }
 * }</pre>
 */
public final class PcapWriter implements Closeable {

    private static final int LINKTYPE_ETHERNET = 1;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_ACK = 0x10;

    private final OutputStream out;
    private long timeMicros = 1_700_000_000_000_000L;
    private int ipId = 1;

    public PcapWriter(OutputStream out) {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
            .putInt(262144).putInt(LINKTYPE_ETHERNET);
        write(h.array());
    }

    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    /** A TCP connection between two IPv4 endpoints; the first endpoint is the client. */
    public TcpFlow tcpFlow(String clientIp, int clientPort, String serverIp, int serverPort) {
        return new TcpFlow(ipv4(clientIp), clientPort, ipv4(serverIp), serverPort);
    }

    private static byte[] ipv4(String text) {
        try {
            return Inet4Address.getByName(text).getAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IPv4 literal: " + text, e);
        }
    }

    /** One direction-aware TCP connection. */
    public final class TcpFlow {
        private final byte[] clientIp;
        private final byte[] serverIp;
        private final int clientPort;
        private final int serverPort;
        private long clientSeq = 1000;
        private long serverSeq = 500000;

        private TcpFlow(byte[] clientIp, int clientPort, byte[] serverIp, int serverPort) {
            this.clientIp = clientIp;
            this.serverIp = serverIp;
            this.clientPort = clientPort;
            this.serverPort = serverPort;
        }

        /** SYN, SYN-ACK, ACK. */
        public TcpFlow handshake() {
            segment(true, TCP_SYN, new byte[0], false);
            clientSeq++;
            segment(false, TCP_SYN | TCP_ACK, new byte[0], true);
            serverSeq++;
            segment(true, TCP_ACK, new byte[0], true);
            return this;
        }

        public TcpFlow clientToServer(byte[] payload) {
            segment(true, TCP_PSH | TCP_ACK, payload, true);
            clientSeq += payload.length;
            return this;
        }

        public TcpFlow serverToClient(byte[] payload) {
            segment(false, TCP_PSH | TCP_ACK, payload, true);
            serverSeq += payload.length;
            return this;
        }

        /** Client FIN, server FIN-ACK, client ACK. */
        public void close() {
            segment(true, TCP_FIN | TCP_ACK, new byte[0], true);
            clientSeq++;
            segment(false, TCP_FIN | TCP_ACK, new byte[0], true);
            serverSeq++;
            segment(true, TCP_ACK, new byte[0], true);
        }

        private void segment(boolean fromClient, int flags, byte[] payload, boolean ackValid) {
            byte[] srcIp = fromClient ? clientIp : serverIp;
            byte[] dstIp = fromClient ? serverIp : clientIp;
            int srcPort = fromClient ? clientPort : serverPort;
            int dstPort = fromClient ? serverPort : clientPort;
            long seq = fromClient ? clientSeq : serverSeq;
            long ack = ackValid ? (fromClient ? serverSeq : clientSeq) : 0;
            writeSegment(srcIp, dstIp, srcPort, dstPort, seq, ack, flags, payload);
        }
    }

    private void writeSegment(byte[] srcIp, byte[] dstIp, int srcPort, int dstPort, long seq, long ack,
                              int flags, byte[] payload) {
        int tcpLength = 20 + payload.length;
        int ipLength = 20 + tcpLength;
        if (ipLength > 0xffff) {
            throw new IllegalArgumentException("payload too large for one IPv4 packet: " + payload.length);
        }
        ByteBuffer tcp = ByteBuffer.allocate(tcpLength);
        tcp.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
            .put((byte) (5 << 4)).put((byte) flags).putShort((short) 0xffff)
            .putShort((short) 0).putShort((short) 0).put(payload);
        ByteBuffer pseudo = ByteBuffer.allocate(12 + tcpLength);
        pseudo.put(srcIp).put(dstIp).put((byte) 0).put((byte) 6).putShort((short) tcpLength).put(tcp.array());
        tcp.putShort(16, (short) checksum(pseudo.array()));

        ByteBuffer ip = ByteBuffer.allocate(20);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) ipId++)
            .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(srcIp).put(dstIp);
        ip.putShort(10, (short) checksum(ip.array()));

        ByteBuffer frame = ByteBuffer.allocate(14 + ipLength);
        frame.put(mac(srcIp)).put(mac(dstIp)).putShort((short) 0x0800).put(ip.array()).put(tcp.array());
        record(frame.array());
    }

    private static byte[] mac(byte[] ip) {
        return new byte[] {0x02, 0x00, ip[0], ip[1], ip[2], ip[3]};
    }

    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (data.length % 2 == 1) {
            sum += (data[data.length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private void record(byte[] frame) {
        timeMicros += 1000;
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt((int) (timeMicros / 1_000_000)).putInt((int) (timeMicros % 1_000_000))
            .putInt(frame.length).putInt(frame.length);
        write(h.array());
        write(frame);
    }

    private void write(byte[] b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
