package org.sipring.peer.overlay;

/**
 * A RELOAD kind (RFC 6940 §7.4.5): what a stored value means and which data model holds it.
 *
 * @param id    the Kind-ID (uint32)
 * @param name  a name for logs and the REST API
 * @param model single value, array or dictionary (§7.2)
 */
public record Kind(long id, String name, DataModel model) {

    public Kind {
        if (id < 0 || id > 0xffffffffL) {
            throw new IllegalArgumentException("Kind-ID must be a uint32: " + id);
        }
    }
}
