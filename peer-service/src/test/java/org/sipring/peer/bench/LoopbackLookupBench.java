package org.sipring.peer.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.link.LinkConfig;
import org.sipring.peer.overlay.link.MessageCodecPort;
import org.sipring.peer.overlay.link.NettyLink;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.MessageCodec;
import org.sipring.peer.overlay.topology.chord.ChordConfig;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;

/**
 * Lookup latency over loopback: five {@link ChordOverlay}s in this JVM, each with its own
 * {@link NettyLink} (plain TCP) and the RELOAD {@link MessageCodec}, listening on 127.0.0.1..5,
 * wired exactly as the peer application wires them (production timers, system clock). Each
 * lookup is one {@code Overlay.lookup(name)} call, timed from the call to the completed future,
 * one at a time, origins round-robin.
 *
 * <pre>LoopbackLookupBench [lookups] [port] [full|chord]</pre>
 */
public final class LoopbackLookupBench {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 16084;
        boolean full = args.length <= 2 || args[2].equals("full");
        int n = 5;
        List<ChordOverlay> overlays = new ArrayList<>();
        List<PeerAddress> addrs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            InetAddress ip = InetAddress.getByName("127.0.0." + i);
            PeerAddress self = new PeerAddress(ip, port);
            ChordConfig cfg = ChordConfig.defaults("bench.sipring", self).withFullMembership(full);
            LinkConfig lc = LinkConfig.plain(new InetSocketAddress(ip, port))
                .withMaxMessageSize(cfg.maxMessageSize()).withEventLoopThreads(2);
            MessageCodec codec = new MessageCodec(KindModels.NONE, cfg.maxMessageSize());
            NettyLink link = new NettyLink(lc, MessageCodecPort.of(codec::encode, codec::decode));
            ChordOverlay o = new ChordOverlay(cfg, link, Clock.systemUTC(), new SecureRandom(), null);
            o.start();
            overlays.add(o);
            addrs.add(self);
        }
        long j0 = System.nanoTime();
        overlays.get(0).join(List.of()).get(10, TimeUnit.SECONDS);
        for (int i = 1; i < n; i++) {
            overlays.get(i).join(List.of(addrs.get(0))).get(30, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "joined %d peers in %.0f ms%n", n, (System.nanoTime() - j0) / 1e6);
        // wait until every peer has the others as successors and knows all of them (converged ring)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
            .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                for (ChordOverlay o : overlays) {
                    var snap = o.snapshot().get();
                    if (snap.successors().size() != n - 1 || snap.knownPeers().size() != n) {
                        return false;
                    }
                }
                return true;
            });

        int warmup = Math.min(5000, count / 2);
        for (int i = 0; i < warmup; i++) {
            overlays.get(i % n).lookup("warmup-" + i).get(10, TimeUnit.SECONDS);
        }
        long[] all = new long[count];
        List<Long> remote = new ArrayList<>();
        int failed = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            ChordOverlay from = overlays.get(i % n);
            long s = System.nanoTime();
            try {
                PeerInfo p = from.lookup("sip:user" + i + "@bench.sipring").get(10, TimeUnit.SECONDS);
                long d = System.nanoTime() - s;
                all[i] = d;
                if (!p.address().equals(addrs.get(i % n))) {
                    remote.add(d);
                }
            } catch (Exception e) {
                failed++;
                all[i] = System.nanoTime() - s;
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] r = remote.stream().mapToLong(Long::longValue).toArray();
        System.out.printf(Locale.ROOT, "RESULT loopback-lookup mode=%s peers=%d lookups=%d failed=%d"
                + " | all: p50 %.3f ms p90 %.3f ms p99 %.3f ms max %.3f ms mean %.3f ms"
                + " | answered remotely (%d): p50 %.3f ms p99 %.3f ms | throughput %.0f lookups/s sequential%n",
            full ? "full" : "chord", n, count, failed, ms(all, 0.5), ms(all, 0.9), ms(all, 0.99), ms(all, 1.0),
            Arrays.stream(all).average().orElse(0) / 1e6, r.length, ms(r, 0.5), ms(r, 0.99), count / wall);
        for (ChordOverlay o : overlays) {
            o.close();
        }
        System.exit(0);
    }

    static double ms(long[] values, double p) {
        long[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))] / 1e6;
    }
}
