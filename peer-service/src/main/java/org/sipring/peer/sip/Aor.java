package org.sipring.peer.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An address-of-record in canonical form (RFC 3261 §10.3 step 5): {@code sip:user@host}, the
 * scheme and host in lower case, escaped characters of the user part unescaped, URI parameters,
 * headers and display names removed. The canonical string is the overlay resource name of the
 * AOR's bindings and credentials.
 *
 * @param user   the user part, unescaped, case kept (RFC 3261 §19.1.4 compares it case-sensitively)
 * @param domain the host in lower case, with ":port" when one was given
 */
public record Aor(String user, String domain) {

    /** Scheme, user, host and optional port, then anything (parameters, headers) that is dropped. */
    private static final Pattern SIP_URI = Pattern.compile(
        "(?i:sips?):([^@:;?<>\\s\"]+)(?::[^@]*)?@(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(:\\d{1,5})?([;?].*)?");
    /** A scheme before the user part ({@code tel:}, {@code mailto:}, {@code https:}...). */
    private static final Pattern OTHER_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:[^@]*@");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+");

    public Aor {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(domain, "domain");
        if (user.isEmpty() || domain.isEmpty()) {
            throw new IllegalArgumentException("empty user or domain");
        }
    }

    /**
     * Reads an AOR from a SIP or SIPS URI, optionally in angle brackets with a display name, or
     * from a bare {@code user@host}.
     *
     * @throws InvalidAorException with the reason when it is not one
     */
    public static Aor parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidAorException("an address-of-record is required");
        }
        String s = text.strip();
        int lt = s.indexOf('<');
        if (lt >= 0) {
            int gt = s.indexOf('>', lt);
            if (gt < 0) {
                throw new InvalidAorException("unbalanced '<' in " + quote(s));
            }
            s = s.substring(lt + 1, gt);
        }
        if (!s.regionMatches(true, 0, "sip:", 0, 4) && !s.regionMatches(true, 0, "sips:", 0, 5)) {
            if (OTHER_SCHEME.matcher(s).lookingAt()) {
                throw new InvalidAorException(quote(text) + " is not a SIP URI");
            }
            s = "sip:" + s;
        }
        Matcher m = SIP_URI.matcher(s);
        if (!m.matches()) {
            throw new InvalidAorException(quote(text) + " is not a sip:user@domain address");
        }
        if (!USER.matcher(m.group(1)).matches()) {
            throw new InvalidAorException("the user part of " + quote(text) + " has characters a SIP URI does not allow");
        }
        String user = unescape(m.group(1), text);
        String port = m.group(3) == null ? "" : m.group(3);
        if (!port.isEmpty() && Integer.parseInt(port.substring(1)) > 65_535) {
            throw new InvalidAorException("port out of range in " + quote(text));
        }
        return new Aor(user, m.group(2).toLowerCase(Locale.ROOT) + port);
    }

    /** The host without a port, the domain a registrar serves and the digest realm. */
    public String host() {
        int colon = domain.lastIndexOf(':');
        return colon > 0 && !domain.endsWith("]") ? domain.substring(0, colon) : domain;
    }

    /** The canonical URI, the overlay resource name. */
    @Override
    public String toString() {
        return "sip:" + user + "@" + domain;
    }

    private static String unescape(String user, String original) {
        if (user.indexOf('%') < 0) {
            return user;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(user.length());
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i + 2 >= user.length() || Character.digit(user.charAt(i + 1), 16) < 0
                || Character.digit(user.charAt(i + 2), 16) < 0) {
                throw new InvalidAorException("bad %-escape in " + quote(original));
            }
            out.write(Character.digit(user.charAt(i + 1), 16) * 16 + Character.digit(user.charAt(i + 2), 16));
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + shown.replaceAll("[\\p{Cntrl}]", "?") + "'";
    }

    /** Text that is not an address-of-record; the message says why. */
    public static final class InvalidAorException extends IllegalArgumentException {
        public InvalidAorException(String message) {
            super(message);
        }
    }
}
