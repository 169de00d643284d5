package io.chaosproxy.fault;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** How a {@link Corrupt} damages a chunk it picks. */
public enum CorruptMode {
    /** One byte of the chunk becomes a different, random one: the stream keeps its length. */
    REPLACE,
    /**
     * 1 to {@value Corrupt#MAX_INSERTED} random bytes go out before the chunk, as Trixter's corruption does:
     * the stream grows and every byte of it still arrives, behind the garbage.
     */
    INSERT;

    /** The lower-case name used in files and the admin API: {@code replace}, {@code insert}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every mode's {@link #wireName()}, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(CorruptMode::wireName).toList();
    }

    /**
     * The mode of that name, in any case.
     *
     * @throws IllegalArgumentException naming the modes there are
     */
    public static CorruptMode fromWireName(String name) {
        for (CorruptMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("\"" + name + "\" is not a corrupt mode; expected one of " + wireNames());
    }
}
