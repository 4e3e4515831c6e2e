package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.header.SIPHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.OptionalInt;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.Header;
import javax.sip.message.Request;
import org.sipring.peer.sip.ContactSpec;
import org.sipring.peer.sip.Flow;
import org.sipring.peer.sip.RegisterRequest;

/**
 * Reads what the registrar rules need from a REGISTER the stack has parsed: Call-ID, CSeq,
 * Expires, the Contacts with their expires, q, +sip.instance and reg-id, and Path when the UA
 * supports it (RFC 3327 §5.3). Values the stack's parser let through but the rules cannot use are
 * refused with 400 and the reason.
 */
final class RegisterParser {

    /** A REGISTER the registrar refuses before touching any binding. */
    static final class Refusal extends Exception {
        private final int status;

        Refusal(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private RegisterParser() {
    }

    static RegisterRequest parse(Request r, Flow flow) throws Refusal {
        CallIdHeader callId = (CallIdHeader) r.getHeader(CallIdHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) r.getHeader(CSeqHeader.NAME);
        if (callId == null || cseq == null) {
            throw new Refusal(400, "Call-ID and CSeq are required");
        }
        ExpiresHeader expires = r.getExpires();
        OptionalInt expiresHeader = expires == null ? OptionalInt.empty() : OptionalInt.of(expires.getExpires());
        boolean wildcard = false;
        List<ContactSpec> contacts = new ArrayList<>();
        ListIterator<?> it = r.getHeaders(ContactHeader.NAME);
        while (it.hasNext()) {
            ContactHeader c = (ContactHeader) it.next();
            if (c.isWildCard() || c.getAddress() != null && c.getAddress().isWildcard()) {
                wildcard = true;
                continue;
            }
            contacts.add(contact(c));
        }
        if (wildcard && !contacts.isEmpty()) {
            throw new Refusal(400, "Contact: * must be the only Contact");
        }
        return new RegisterRequest(callId.getCallId(), cseq.getSeqNumber(), expiresHeader, wildcard, contacts,
            supports(r, "path") ? values(r, "Path") : List.of(), flow);
    }

    private static ContactSpec contact(ContactHeader c) throws Refusal {
        if (c.getAddress() == null || c.getAddress().getURI() == null) {
            throw new Refusal(400, "Contact without a URI");
        }
        String uri = c.getAddress().getURI().toString();
        int expires = c.getExpires();
        float q = c.getQValue();
        if (q != -1 && (q < 0 || q > 1)) {
            throw new Refusal(400, "q-value out of 0..1 in Contact " + uri);
        }
        String instance = c.getParameter("+sip.instance");
        if (instance != null) {
            instance = unquote(instance);
            if (instance.isEmpty()) {
                instance = null;
            }
        }
        String regIdText = c.getParameter("reg-id");
        int regId = 0;
        if (regIdText != null) {
            try {
                regId = Integer.parseInt(regIdText.trim());
            } catch (NumberFormatException e) {
                throw new Refusal(400, "reg-id is not a number in Contact " + uri);
            }
            if (regId < 1) {
                throw new Refusal(400, "reg-id must be positive in Contact " + uri);
            }
            if (instance == null) {
                throw new Refusal(400, "reg-id without +sip.instance in Contact " + uri);
            }
        }
        return new ContactSpec(uri, expires < 0 ? OptionalInt.empty() : OptionalInt.of(expires),
            q == -1 ? 1000 : Math.round(q * 1000), instance, regId);
    }

    /** Whether a Supported header of the request lists the option tag. */
    static boolean supports(Request r, String tag) {
        return values(r, "Supported").stream().flatMap(v -> List.of(v.split(",")).stream())
            .anyMatch(v -> v.trim().equalsIgnoreCase(tag));
    }

    /** The option tags of Require headers. */
    static List<String> required(Request r) {
        return values(r, "Require").stream().flatMap(v -> List.of(v.split(",")).stream())
            .map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty()).toList();
    }

    static List<String> values(Request r, String name) {
        List<String> out = new ArrayList<>();
        ListIterator<?> it = r.getHeaders(name);
        while (it.hasNext()) {
            Header h = (Header) it.next();
            out.add(h instanceof SIPHeader s ? s.getHeaderValue().trim() : h.toString().substring(name.length() + 1).trim());
        }
        return out;
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
