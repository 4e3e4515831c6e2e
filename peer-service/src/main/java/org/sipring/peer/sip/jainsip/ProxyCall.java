package org.sipring.peer.sip.jainsip;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import javax.sip.ClientTransaction;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipring.peer.sip.Flow;
import org.sipring.peer.sip.Fork;

/**
 * One request being proxied: the upstream exchange, the branches' targets, their client
 * transactions and final responses, and the {@link Fork} that decides. Every event goes through
 * {@link #on}, which runs the decision logic under this object's lock; the caller executes the
 * decision after releasing it, so no lock is held while the stack sends.
 */
final class ProxyCall {

    /** What a client transaction of this call carries as its application data. */
    record Branch(ProxyCall call, int index) {
    }

    /** An event on the fork, run under the call's lock. */
    interface Event {
        Fork.Decision apply(Fork fork);
    }

    final Exchange upstream;
    final String key;
    final List<Target> targets;
    final boolean authoritative;
    /** The flow the request arrived on when it came from a user agent (not through a peer's flow token), else null. */
    final Flow uaFlow;
    /** The request's Route values after this peer's own, put after each branch's own routes. */
    final List<RouteHeader> remainingRoutes;
    private final Fork fork;
    private final ClientTransaction[] transactions;
    private final Response[] finals;
    private final int[] statuses;
    private ScheduledFuture<?> timerC;

    ProxyCall(Exchange upstream, String key, List<List<Target>> groups, boolean authoritative, Flow uaFlow,
              List<RouteHeader> remainingRoutes) {
        this.upstream = upstream;
        this.key = key;
        this.targets = groups.stream().flatMap(List::stream).toList();
        this.authoritative = authoritative;
        this.uaFlow = uaFlow;
        this.remainingRoutes = List.copyOf(remainingRoutes);
        this.fork = new Fork(groups.stream().map(List::size).toList(), Request.INVITE.equals(upstream.request().getMethod()));
        this.transactions = new ClientTransaction[targets.size()];
        this.finals = new Response[targets.size()];
        this.statuses = new int[targets.size()];
    }

    synchronized Fork.Decision on(Event event) {
        return event.apply(fork);
    }

    synchronized Fork.Decision failed(int branch, int status, Response response) {
        if (fork.pending(branch)) {
            finals[branch] = response;
            statuses[branch] = status;
        }
        return fork.failure(branch, status);
    }

    synchronized boolean ended() {
        return fork.ended();
    }

    synchronized void transaction(int branch, ClientTransaction tx) {
        transactions[branch] = tx;
    }

    synchronized ClientTransaction transaction(int branch) {
        return transactions[branch];
    }

    synchronized Response finalResponse(int branch) {
        return finals[branch];
    }

    synchronized int status(int branch) {
        return statuses[branch];
    }

    synchronized void timerC(ScheduledFuture<?> timer) {
        this.timerC = timer;
    }

    synchronized void stopTimerC() {
        if (timerC != null) {
            timerC.cancel(false);
        }
    }
}
