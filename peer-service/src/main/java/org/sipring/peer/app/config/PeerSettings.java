package org.sipring.peer.app.config;

import java.nio.file.Path;
import org.sipring.peer.admin.ApiTokens;
import org.sipring.peer.overlay.topology.chord.ChordConfig;

/**
 * The peer's whole configuration as typed, validated values: what the properties turn into, once,
 * at start-up. Nothing downstream reads Spring properties.
 */
public record PeerSettings(ChordConfig chord, LinkSettings link, JoinPolicy join, Path dataDir, ApiTokens tokens,
                           StorageSettings storage) {
}
