package org.sipring.peer.overlay.topology.chord.sim;

/**
 * Where simulation seeds come from: {@code -Dsim.seed=N} replays one run; on a developer machine
 * every run explores a fresh seed (printed on failure); under CI (the {@code CI} environment
 * variable set) the seed is fixed, so the build's verdict does not depend on a roll of the dice.
 */
public final class SimSeeds {

    /** The fixed base seed under CI. */
    public static final long CI_SEED = 20_261_124L;

    private SimSeeds() {
    }

    /** The seed to start from. */
    public static long base() {
        Long fixed = Long.getLong("sim.seed");
        if (fixed != null) {
            return fixed;
        }
        return System.getenv("CI") != null ? CI_SEED : System.nanoTime();
    }
}
