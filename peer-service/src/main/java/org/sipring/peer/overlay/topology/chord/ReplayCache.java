package org.sipring.peer.overlay.topology.chord;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.sipring.peer.overlay.message.Message;

/**
 * Answers kept for retransmitted requests (RFC 6940 §6.2.1): a request whose Transaction-ID was
 * seen within the maximum request lifetime is not executed again; it gets the same answer, or
 * nothing while the first execution is still running. Bounded: the oldest entries go first.
 */
final class ReplayCache {

    private record Entry(Message answer, long expiresAt) {
    }

    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>();
    private final long lifetimeMillis;
    private final int maxEntries;

    ReplayCache(long lifetimeMillis, int maxEntries) {
        this.lifetimeMillis = lifetimeMillis;
        this.maxEntries = maxEntries;
    }

    enum Seen { NEW, IN_PROGRESS, ANSWERED }

    /** Records a request as started if it is new. */
    Seen begin(long transactionId, long now) {
        Entry e = entries.get(transactionId);
        if (e != null && e.expiresAt > now) {
            return e.answer == null ? Seen.IN_PROGRESS : Seen.ANSWERED;
        }
        entries.remove(transactionId);
        entries.put(transactionId, new Entry(null, now + lifetimeMillis));
        if (entries.size() > maxEntries) {
            Iterator<Long> it = entries.keySet().iterator();
            it.next();
            it.remove();
        }
        return Seen.NEW;
    }

    void complete(long transactionId, Message answer) {
        Entry e = entries.get(transactionId);
        if (e != null) {
            entries.put(transactionId, new Entry(answer, e.expiresAt));
        }
    }

    Optional<Message> answer(long transactionId) {
        Entry e = entries.get(transactionId);
        return e == null ? Optional.empty() : Optional.ofNullable(e.answer);
    }

    void expire(long now) {
        Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Entry> e = it.next();
            if (e.getValue().expiresAt <= now) {
                it.remove();
            } else {
                break; // insertion order = expiry order
            }
        }
    }

    int size() {
        return entries.size();
    }
}
