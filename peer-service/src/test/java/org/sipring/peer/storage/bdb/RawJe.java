package org.sipring.peer.storage.bdb;

import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import java.nio.file.Path;
import org.sipring.peer.overlay.SlotKey;

/**
 * Writes records straight into a store's environment, past the adapter, to plant damage. Works
 * while a {@link BdbDataStore} has the directory open: handles in one JVM share the environment.
 */
final class RawJe {

    private RawJe() {
    }

    static void putSlotValue(Path dir, SlotKey key, byte[] value) {
        EnvironmentConfig config = new EnvironmentConfig().setTransactional(true);
        config.setCacheSize(TestStores.CACHE_BYTES);
        try (Environment env = new Environment(dir.toFile(), config);
             Database slots = env.openDatabase(null, BdbDataStore.SLOTS_DB, new DatabaseConfig().setTransactional(true))) {
            slots.put(null, new DatabaseEntry(Keys.slotKey(key)), new DatabaseEntry(value));
        }
    }
}
