package org.sipring.peer.admin;

import java.util.List;
import java.util.Optional;
import org.sipring.peer.overlay.Kind;

/** The kinds the DHT REST API offers, by name ({@code /api/v1/dht/{kind}/...}). */
public interface DhtKindCatalog {

    /** The kind of that name, exactly as spelled in {@link Kind#name()}. */
    Optional<Kind> byName(String name);

    /** Every kind offered, in a stable order (for error messages and docs). */
    List<Kind> all();

    /** A catalog of a fixed list of kinds with distinct names. */
    static DhtKindCatalog of(List<Kind> kinds) {
        List<Kind> all = List.copyOf(kinds);
        if (all.stream().map(Kind::name).distinct().count() != all.size()) {
            throw new IllegalArgumentException("kind names must be distinct: " + all);
        }
        return new DhtKindCatalog() {
            @Override
            public Optional<Kind> byName(String name) {
                return all.stream().filter(k -> k.name().equals(name)).findFirst();
            }

            @Override
            public List<Kind> all() {
                return all;
            }

            @Override
            public String toString() {
                return "DhtKindCatalog" + all.stream().map(Kind::name).toList();
            }
        };
    }
}
