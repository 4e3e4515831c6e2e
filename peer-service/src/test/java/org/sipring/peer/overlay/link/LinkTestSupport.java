package org.sipring.peer.overlay.link;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionFactory;

/** Starts links on loopback and stops them after each test. */
class LinkTestSupport {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final AtomicLong TX = new AtomicLong(1000);

    final List<NettyLink> started = new ArrayList<>();

    static LinkConfig loopback() {
        return LinkConfig.plain(new InetSocketAddress(LOOPBACK, 0)).withEventLoopThreads(1);
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5));
    }

    static long tx() {
        return TX.incrementAndGet();
    }

    NettyLink start(LinkConfig config, RecordingListener listener) {
        NettyLink link = new NettyLink(config, new FakeCodec());
        link.start(listener);
        started.add(link);
        return link;
    }

    /** A link whose listener answers pings with pongs. */
    NettyLink startAnswering(LinkConfig config, RecordingListener listener) {
        NettyLink link = new NettyLink(config, new FakeCodec());
        listener.answering(link);
        link.start(listener);
        started.add(link);
        return link;
    }

    void stopAll() {
        started.forEach(NettyLink::stop);
        started.clear();
    }
}
