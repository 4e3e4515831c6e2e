package org.sipring.peer.sip;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.Overlay;

/**
 * The registrar as any peer uses it: every operation goes to the AOR's responsible peer through the
 * overlay in one round trip ({@link Overlay#update} or {@link Overlay#fetch}) and completes on the
 * overlay's thread. Credentials are stored as HA1 only ({@link AuthRecord#forPassword}).
 */
public final class Registrar {

    private final Overlay overlay;

    public Registrar(Overlay overlay) {
        this.overlay = overlay;
    }

    /** Applies a REGISTER at the AOR's responsible peer. */
    public CompletableFuture<RegisterReply> register(Aor aor, RegisterCall call) {
        return overlay.update(aor.toString(), Registration.KIND, RegistrarProcedures.REGISTER, RegistrarCodec.encode(call))
            .thenApply(r -> RegistrarCodec.decodeReply(r.reply()));
    }

    /** The AOR's current bindings, expired ones left out by the storage layer. */
    public CompletableFuture<List<Binding>> bindings(Aor aor) {
        return overlay.fetch(aor.toString(), Registration.KIND).thenApply(Registration::bindings);
    }

    /** The AOR's bindings and whether it is a subscriber, in one fetch: what a proxy needs to route to it. */
    public CompletableFuture<Lookup> lookup(Aor aor) {
        return overlay.fetch(aor.toString(), Registration.KIND).thenApply(values -> {
            Registration.Contents c = Registration.read(values);
            return new Lookup(c.credentials().isPresent(), c.bindings());
        });
    }

    /** Removes every binding of the AOR; completes with how many there were. */
    public CompletableFuture<Integer> removeBindings(Aor aor) {
        return overlay.update(aor.toString(), Registration.KIND, RegistrarProcedures.REMOVE_BINDINGS, new byte[0])
            .thenApply(r -> ByteBuffer.wrap(r.reply()).getInt());
    }

    /** Sets the subscriber's password (kept as one HA1 per algorithm); the bindings stay. */
    public CompletableFuture<Void> provision(Aor aor, String password) {
        return overlay.update(aor.toString(), Registration.KIND, RegistrarProcedures.SET_CREDENTIALS,
            RegistrarCodec.encode(AuthRecord.forPassword(aor, password))).thenApply(r -> null);
    }

    /** Whether the AOR has credentials. */
    public CompletableFuture<Boolean> isSubscriber(Aor aor) {
        return overlay.fetch(aor.toString(), Registration.KIND)
            .thenApply(values -> Registration.read(values).credentials().isPresent());
    }

    /** Removes the subscriber's credentials; completes with whether there were any. */
    public CompletableFuture<Boolean> removeSubscriber(Aor aor) {
        return overlay.update(aor.toString(), Registration.KIND, RegistrarProcedures.REMOVE_CREDENTIALS, new byte[0])
            .thenApply(r -> r.reply().length == 1 && r.reply()[0] == 1);
    }
}
