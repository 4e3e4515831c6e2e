package org.sipring.peer.sip.jainsip;

import javax.sip.ServerTransaction;
import javax.sip.message.Request;

/**
 * One request being served: its server transaction (which absorbs retransmissions and sends the
 * response), the request, and where it came from (RFC 3581: the source address and port, which
 * the stack also writes into the top Via as received and rport).
 *
 * @param transaction null for a request answered statelessly (a REGISTER over UDP, see
 *                    {@code SipServer#processRequest}): its response goes out by the top Via
 * @param transport   udp or tcp, from the top Via
 */
record Exchange(ServerTransaction transaction, Request request, String transport, String remoteHost, int remotePort) {

    boolean stateless() {
        return transaction == null;
    }
}
