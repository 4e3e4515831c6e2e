package org.sipring.peer.overlay.topology.chord.sim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.link.LinkTarget;
import org.sipring.peer.overlay.message.Message;

/**
 * An in-memory network of simulated links, driven by a discrete-event queue on a manual clock.
 * Connections behave like TCP ones: opened on first send to an address, closed on both ends when
 * either peer crashes, refused for an address nobody listens on. Messages are delayed randomly,
 * dropped with a configurable probability, and cut by partitions. Deterministic for a given seed.
 */
public final class SimNetwork {

    private record Event(long time, long seq, Runnable action) {
    }

    /** One end of a connection. */
    private record End(SimLink owner, long id, PeerAddress dialled) {
    }

    private final PriorityQueue<Event> events =
        new PriorityQueue<>((a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final ManualClock clock;
    private final RandomGenerator random;
    private final Map<PeerAddress, SimLink> listening = new HashMap<>();
    private final Map<Long, End> ends = new HashMap<>();
    private final Map<Long, Long> peerEnd = new HashMap<>();
    private final Set<Set<PeerAddress>> partitions = new HashSet<>();
    private java.util.function.BiConsumer<PeerAddress, Message> deliveries = (to, m) -> { };
    private long seq;
    private long nextConnection = 1;
    private double dropRate;
    private int minDelay = 1;
    private int maxDelay = 10;
    /** Count of request transmissions per transaction, for hop statistics. */
    private final Map<Long, Integer> requestHops = new HashMap<>();
    private long messagesSent;

    public SimNetwork(ManualClock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    public void setDropRate(double rate) {
        this.dropRate = rate;
    }

    public void setDelay(int minMillis, int maxMillis) {
        this.minDelay = minMillis;
        this.maxDelay = maxMillis;
    }

    public ManualClock clock() {
        return clock;
    }

    public long now() {
        return clock.millis();
    }

    public void schedule(long delayMillis, Runnable action) {
        events.add(new Event(clock.millis() + delayMillis, seq++, action));
    }

    /** Runs events until the given time, then leaves the clock there. */
    public void runUntil(long time) {
        while (!events.isEmpty() && events.peek().time <= time) {
            Event e = events.poll();
            clock.set(Math.max(clock.millis(), e.time));
            e.action.run();
        }
        clock.set(Math.max(clock.millis(), time));
    }

    public void runFor(long millis) {
        runUntil(clock.millis() + millis);
    }

    public static PeerAddress address(int index) {
        try {
            int a = 10 + index / 60000;
            return new PeerAddress(InetAddress.getByAddress(new byte[] {127, (byte) a, (byte) ((index >> 8) & 0xff),
                (byte) (index & 0xff)}), 6084 + (index % 1000));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public SimLink newLink(PeerAddress address) {
        return new SimLink(address);
    }

    /** Cuts traffic between the two sides until healed. */
    public void partition(Set<PeerAddress> sideA) {
        partitions.add(Set.copyOf(sideA));
    }

    /** Tells the observer of every message as it is handed to the peer at an address. */
    public void onDelivery(java.util.function.BiConsumer<PeerAddress, Message> observer) {
        this.deliveries = observer;
    }

    public void healPartitions() {
        partitions.clear();
    }

    private boolean cut(PeerAddress a, PeerAddress b) {
        for (Set<PeerAddress> side : partitions) {
            if (side.contains(a) != side.contains(b)) {
                return true;
            }
        }
        return false;
    }

    public int hopsOf(long transactionId) {
        return requestHops.getOrDefault(transactionId, 0);
    }

    public void clearHops() {
        requestHops.clear();
    }

    public long messagesSent() {
        return messagesSent;
    }

    private int delay() {
        return minDelay + random.nextInt(maxDelay - minDelay + 1);
    }

    /** A simulated link endpoint for one peer. */
    public final class SimLink implements Link {
        private final PeerAddress address;
        private LinkListener listener;
        private final Map<PeerAddress, Long> outbound = new HashMap<>();
        private boolean up;

        SimLink(PeerAddress address) {
            this.address = address;
        }

        @Override
        public void start(LinkListener l) {
            this.listener = l;
            this.up = true;
            listening.put(address, this);
        }

        @Override
        public void send(LinkTarget target, Message message) {
            if (!up) {
                return;
            }
            messagesSent++;
            if (message.code().isRequest()) {
                requestHops.merge(message.transactionId(), 1, Integer::sum);
            }
            long mine;
            if (target instanceof LinkTarget.ToAddress to) {
                Long existing = outbound.get(to.address());
                if (existing == null || !ends.containsKey(existing)) {
                    SimLink remote = listening.get(to.address());
                    if (remote == null || !remote.up) {
                        long failed = nextConnection++;
                        schedule(delay(), () -> {
                            if (up) {
                                listener.onConnectionClosed(failed, to.address(), "connection refused");
                            }
                        });
                        return;
                    }
                    long a = nextConnection++;
                    long b = nextConnection++;
                    ends.put(a, new End(this, a, to.address()));
                    ends.put(b, new End(remote, b, null));
                    peerEnd.put(a, b);
                    peerEnd.put(b, a);
                    outbound.put(to.address(), a);
                    existing = a;
                }
                mine = existing;
            } else {
                mine = ((LinkTarget.OnConnection) target).connectionId();
            }
            End me = ends.get(mine);
            Long otherId = peerEnd.get(mine);
            if (me == null || otherId == null) {
                return;
            }
            End other = ends.get(otherId);
            if (other == null || random.nextDouble() < dropRate || cut(address, other.owner.address)) {
                return;
            }
            schedule(delay(), () -> {
                if (other.owner.up && ends.containsKey(otherId)) {
                    deliveries.accept(other.owner.address, message);
                    other.owner.listener.onMessage(otherId, other.dialled, message);
                }
            });
        }

        @Override
        public void close(LinkTarget target) {
        }

        /** The process dies: every connection closes, the remote ends hear of it. */
        @Override
        public void stop() {
            up = false;
            listening.remove(address);
            for (End e : ends.values().stream().filter(x -> x.owner == this).toList()) {
                Long otherId = peerEnd.remove(e.id);
                ends.remove(e.id);
                if (otherId != null) {
                    peerEnd.remove(otherId);
                    End other = ends.remove(otherId);
                    if (other != null) {
                        schedule(delay(), () -> {
                            if (other.owner.up) {
                                other.owner.listener.onConnectionClosed(otherId, other.dialled, "connection reset");
                            }
                        });
                    }
                }
            }
            outbound.clear();
        }

        public PeerAddress address() {
            return address;
        }
    }
}
