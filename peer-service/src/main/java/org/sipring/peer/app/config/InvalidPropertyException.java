package org.sipring.peer.app.config;

/**
 * A configuration value the peer cannot run with. {@link #getMessage()} is the one line shown at
 * start-up: the property's name, then what is wrong with it.
 */
public final class InvalidPropertyException extends PeerStartupException {

    private final String property;
    private final String problem;

    public InvalidPropertyException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
        this.problem = problem;
    }

    public String property() {
        return property;
    }

    public String problem() {
        return problem;
    }
}
