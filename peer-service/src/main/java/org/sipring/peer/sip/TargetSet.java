package org.sipring.peer.sip;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which a proxy tries an AOR's contacts (RFC 3261 §16.6, §16.7): live bindings
 * grouped by q-value, highest first; the contacts of one group are tried in parallel, the next
 * group only once every branch of the previous one failed. Within a group the most recently
 * registered binding comes first, so the branch most likely alive is started first.
 */
public final class TargetSet {

    private TargetSet() {
    }

    /** Groups of bindings still live at {@code now}, by decreasing q; empty when none is live. */
    public static List<List<Binding>> groups(List<Binding> bindings, long now) {
        List<Binding> live = bindings.stream().filter(b -> b.expiresAt() > now)
            .sorted(Comparator.comparingInt(Binding::qMillis).reversed()
                .thenComparing(Comparator.comparingLong(Binding::expiresAt).reversed())
                .thenComparing(Binding::key))
            .toList();
        List<List<Binding>> out = new ArrayList<>();
        List<Binding> group = new ArrayList<>();
        for (Binding b : live) {
            if (!group.isEmpty() && group.get(0).qMillis() != b.qMillis()) {
                out.add(List.copyOf(group));
                group.clear();
            }
            group.add(b);
        }
        if (!group.isEmpty()) {
            out.add(List.copyOf(group));
        }
        return List.copyOf(out);
    }
}
