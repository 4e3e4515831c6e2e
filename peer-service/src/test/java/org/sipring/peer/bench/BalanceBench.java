package org.sipring.peer.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.topology.chord.sim.ChordSimulation;

/**
 * Load balance after joins without a configured Node-ID: for every ring size N = 3..50 and 20
 * seeds, the largest range divided by the mean range (1/N of the ring). Same procedure as the
 * simulator's balance test: one join every 300 ms, 500 ms to settle, then measure.
 *
 * <pre>BalanceBench [seeds] [firstSeed]</pre>
 */
public final class BalanceBench {

    static double largestToMean(TreeSet<NodeId> ring) {
        List<NodeId> ids = new ArrayList<>(ring);
        double largest = 0;
        for (int i = 0; i < ids.size(); i++) {
            largest = Math.max(largest, IdInterval.openClosed(ids.get(i), ids.get((i + 1) % ids.size())).fraction());
        }
        return largest * ids.size();
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long first = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int lo = 3;
        int hi = 50;
        double[] maxByN = new double[hi + 1];
        double[] sumByN = new double[hi + 1];
        double worst = 0;
        double sum = 0;
        int samples = 0;
        int wrongSize = 0;
        long t0 = System.nanoTime();
        for (int s = 0; s < seeds; s++) {
            ChordSimulation sim = new ChordSimulation(first + s, ChordSimulation::fastTimers);
            sim.grow(2, 300);
            for (int n = lo; n <= hi; n++) {
                sim.grow(n, 300);
                sim.runFor(500);
                TreeSet<NodeId> ring = sim.trueRing();
                if (ring.size() != n) {
                    wrongSize++;
                }
                double r = largestToMean(ring);
                maxByN[n] = Math.max(maxByN[n], r);
                sumByN[n] += r;
                worst = Math.max(worst, r);
                sum += r;
                samples++;
            }
        }
        StringBuilder perN = new StringBuilder();
        for (int n = lo; n <= hi; n++) {
            perN.append(String.format(Locale.ROOT, "%sN=%d max %.3f mean %.3f", n == lo ? "" : "; ", n, maxByN[n],
                sumByN[n] / seeds));
        }
        System.out.printf(Locale.ROOT, "RESULT balance seeds=%d..%d N=%d..%d samples=%d ringSizeWrong=%d"
                + " | largest/mean: max %.3f mean %.3f | wall %.1f s%n", first, first + seeds - 1, lo, hi, samples,
            wrongSize, worst, sum / samples, (System.nanoTime() - t0) / 1e9);
        System.out.println("RESULT balance per N: " + perN);
    }
}
