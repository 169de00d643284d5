package io.chaosproxy.fault;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a {@link Drop} treats a connection it drops. */
public enum DropMode {
    /** Closes the client's connection at once with a FIN: the client reads EOF. */
    CLOSE,
    /** Aborts it with an RST: the client sees "connection reset". */
    RESET,
    /** Accepts and never answers: the upstream is not contacted, the client waits until it gives up. */
    HANG;

    /** The lower-case name used in files and events: {@code close}, {@code reset}, {@code hang}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every mode's {@link #wireName()}, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(DropMode::wireName).toList();
    }

    /**
     * The mode of that name, in any case.
     *
     * @throws IllegalArgumentException naming the modes there are
     */
    public static DropMode fromWireName(String name) {
        for (DropMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not a drop mode; expected one of " + wireNames());
    }
}
