package org.sipring.peer.storage;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The kinds this peer accepts, by Kind-ID; built once at start-up. */
public final class KindRegistry {

    private final Map<Long, KindSpec> byId = new LinkedHashMap<>();

    public KindRegistry(Collection<KindSpec> kinds) {
        for (KindSpec k : kinds) {
            if (byId.putIfAbsent(k.id(), k) != null) {
                throw new IllegalArgumentException("Kind-ID registered twice: " + k.id());
            }
        }
    }

    public Optional<KindSpec> get(long kindId) {
        return Optional.ofNullable(byId.get(kindId));
    }

    public Optional<KindSpec> byName(String name) {
        return byId.values().stream().filter(k -> k.kind().name().equals(name)).findFirst();
    }

    public List<KindSpec> all() {
        return List.copyOf(byId.values());
    }
}
