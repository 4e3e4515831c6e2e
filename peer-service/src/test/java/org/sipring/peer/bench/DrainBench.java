package org.sipring.peer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.StorageService;

/**
 * Migration rate of a drain: a ring of in-JVM peers with JE stores ({@link StorageRing}, default
 * durability), loaded with V single values, then one peer calls {@code leave()} (a drain: it pushes
 * what it holds to the successors that hold it once it is gone, then sends its Leaves) and is timed
 * from the call to LEFT.
 *
 * <p>The load goes straight into the stores ({@code StorageService.merge}, chunks of 1,000 slots),
 * each value to exactly the three peers the ring puts it on (its responsible peer and that peer's
 * two successors, computed from the converged ring's Node-IDs), as the overlay would have stored
 * it; the per-peer slot counts are checked against that placement before the drain. After LEFT the
 * remaining peers must each hold every value (three peers left, three copies).
 *
 * <pre>DrainBench [values peers valueBytes ipBase port]</pre>
 */
public final class DrainBench {

    public static void main(String[] args) throws Exception {
        StorageRing.quietLogs();
        int values = args.length > 0 ? Integer.parseInt(args[0]) : 1_333_334;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int valueBytes = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int ipBase = args.length > 3 ? Integer.parseInt(args[3]) : 41;
        int port = args.length > 4 ? Integer.parseInt(args[4]) : 16084;

        try (StorageRing ring = StorageRing.start(n, ipBase, port, Durability.WRITE_NO_SYNC)) {
            List<Map.Entry<NodeId, Integer>> order = ring.ringOrder();
            List<NodeId> ids = order.stream().map(Map.Entry::getKey).toList();
            long[] expected = new long[n];

            // preload: each value on its responsible peer and that peer's two successors
            long now = System.currentTimeMillis();
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) 'v');
            List<List<Slot>> chunks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                chunks.add(new ArrayList<>(1000));
            }
            Semaphore inFlight = new Semaphore(2 * n);
            List<CompletableFuture<Integer>> pending = new ArrayList<>();
            long t0 = System.nanoTime();
            for (long k = 0; k < values; k++) {
                ResourceId rid = ResourceId.ofName(StorageThroughputBench.name(k));
                byte[] v = StorageThroughputBench.stored(value, k).value();
                Slot slot = StorageRing.RULES.slot(new SlotKey(rid, StorageRing.SINGLE.id()), 1,
                    List.of(new Element(new byte[0], now, 86_400, true, v)));
                int owner = StorageRing.responsible(ids, rid);
                for (int r = 0; r < Math.min(3, n); r++) {
                    int peer = order.get((owner + r) % n).getValue();
                    expected[peer]++;
                    List<Slot> c = chunks.get(peer);
                    c.add(slot);
                    if (c.size() == 1000) {
                        pending.add(merge(ring.peers.get(peer).storage(), c, inFlight));
                        chunks.set(peer, new ArrayList<>(1000));
                    }
                }
                if (pending.size() > 10_000) {
                    pending.removeIf(CompletableFuture::isDone);
                }
            }
            for (int i = 0; i < n; i++) {
                if (!chunks.get(i).isEmpty()) {
                    pending.add(merge(ring.peers.get(i).storage(), chunks.get(i), inFlight));
                }
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            long copies = Arrays.stream(expected).sum();
            StringBuilder held = new StringBuilder();
            for (int i = 0; i < n; i++) {
                long s = ring.peers.get(i).storage().stats().slots();
                held.append(" peer").append(i).append('=').append(s);
                if (s != expected[i]) {
                    throw new IllegalStateException("peer" + i + " holds " + s + " slots, expected " + expected[i]);
                }
            }
            System.out.printf(Locale.ROOT, "RESULT drain-preload values=%d peers=%d | %d copies merged into the"
                    + " stores in %.1f s: %.0f slots/s |%s%n", values, n, copies, loadSeconds, copies / loadSeconds,
                held);

            // drain the peer holding the most (ties: the highest index, never the founder when avoidable)
            int leaver = 0;
            for (int i = 0; i < n; i++) {
                if (expected[i] >= expected[leaver]) {
                    leaver = i;
                }
            }
            StorageRing.Peer p = ring.peers.get(leaver);
            int lv = leaver;
            long bytesOnDisk = p.storage().stats().bytesOnDisk();
            System.out.printf(Locale.ROOT, "draining peer%d (%s): %d slots, %.1f MB of log files%n", leaver,
                order.stream().filter(e -> e.getValue() == lv).findFirst().map(e -> e.getKey().shortHex()).orElse("?"),
                expected[leaver], bytesOnDisk / 1e6);
            // what the hand-over pushes (RangeSync.handOff): successor i gets (predecessor 3-i, self]
            int at = 0;
            for (int i = 0; i < n; i++) {
                if (order.get(i).getValue() == leaver) {
                    at = i;
                }
            }
            long toPush = 0;
            StringBuilder ranges = new StringBuilder();
            for (int i = 0; i < Math.min(3, n - 1); i++) {
                NodeId from = ids.get(((at - (3 - i)) % n + n) % n);
                IdInterval range = IdInterval.openClosed(from, ids.get(at));
                long c = 0;
                for (long k = 0; k < values; k++) {
                    if (range.contains(ResourceId.ofName(StorageThroughputBench.name(k)))) {
                        c++;
                    }
                }
                toPush += c;
                ranges.append(" successor").append(i + 1).append('=').append(c);
            }
            System.out.printf(Locale.ROOT, "the hand-over pushes%s = %d slots%n", ranges, toPush);
            long d0 = System.nanoTime();
            CompletableFuture<Void> left = p.overlay().leave();
            long lastPrint = d0;
            long handedOverAt = 0;
            while (!left.isDone()) {
                Thread.sleep(100);
                DrainProgress dp = p.overlay().drainProgress();
                if (dp.handedOver() && handedOverAt == 0) {
                    handedOverAt = System.nanoTime();
                }
                if (System.nanoTime() - lastPrint > 5e9) {
                    lastPrint = System.nanoTime();
                    System.out.printf(Locale.ROOT, "  %.0f s: %d slots pushed (%.1f MB); held when the drain started: %d%n",
                        (lastPrint - d0) / 1e9, dp.slotsMoved(), dp.bytesMoved() / 1e6, dp.slotsTotal());
                }
            }
            left.get();
            long d1 = System.nanoTime();
            Thread.sleep(200); // one more tick for the final progress
            DrainProgress dp = p.overlay().drainProgress();
            double seconds = (d1 - d0) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT drain values=%d peers=%d held=%d | leave() to LEFT %.1f s"
                    + " (hand-over done after %.1f s) | pushed %d slots, %.1f MB: %.0f slots/s, %.2f MB/s"
                    + " | held %d values: %.0f values/s | state %s%n",
                values, n, expected[leaver], seconds, handedOverAt == 0 ? seconds : (handedOverAt - d0) / 1e9,
                dp.slotsMoved(), dp.bytesMoved() / 1e6, dp.slotsMoved() / seconds, dp.bytesMoved() / 1e6 / seconds,
                expected[leaver], expected[leaver] / seconds, p.overlay().state());
            if (p.overlay().state() != PeerState.LEFT) {
                System.out.println("warning: the drained peer is " + p.overlay().state());
            }

            // the others: three left, so each must end up holding every value
            long c0 = System.nanoTime();
            long deadline = c0 + TimeUnit.SECONDS.toNanos(300);
            String counts;
            while (true) {
                boolean all = true;
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    if (i == leaver) {
                        continue;
                    }
                    long s = ring.peers.get(i).storage().stats().slots();
                    sb.append(" peer").append(i).append('=').append(s);
                    all &= s == values;
                }
                counts = sb.toString();
                if (all || System.nanoTime() > deadline || n - 1 > 3) {
                    break;
                }
                Thread.sleep(500);
            }
            System.out.printf(Locale.ROOT, "RESULT drain-after values=%d | slots held by the remaining peers:%s"
                    + " (each should hold %d) | %.1f s after LEFT%n", values, counts, values,
                (System.nanoTime() - c0) / 1e9);
            System.out.println(ring.overlayCounters());
        }
        System.exit(0);
    }

    private static CompletableFuture<Integer> merge(StorageService s, List<Slot> chunk, Semaphore inFlight)
        throws InterruptedException {
        inFlight.acquire();
        return s.merge(chunk).whenComplete((x, e) -> inFlight.release());
    }

    private DrainBench() {
    }
}
