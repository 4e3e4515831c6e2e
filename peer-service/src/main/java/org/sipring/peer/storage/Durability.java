package org.sipring.peer.storage;

/**
 * How far a committed {@link DataStore#commit} has travelled when the call returns, which decides
 * what a crash can take back. See docs/storage.md, "Durability".
 */
public enum Durability {

    /** The commit is written and fsynced: survives power loss. Concurrent commits share an fsync. */
    SYNC,

    /**
     * The commit is written to the operating system (not fsynced): survives the process being
     * killed, not power loss or a kernel crash. The adapter may fsync in the background to bound
     * how much a power loss takes back.
     */
    WRITE_NO_SYNC,

    /** The commit stays in the database's own buffer: a process kill can lose it. */
    NO_SYNC
}
