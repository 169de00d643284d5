package io.chaosproxy.junit5.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * System properties that several scopes may set at once (classes running in parallel with a route of the same
 * name). Each key remembers the value it had before the first scope set it and which scopes set it since, in
 * order: the newest live scope's value is the one in force, and when the last scope withdraws the key gets its
 * original value back, whatever order the scopes end in. Thread-safe.
 */
final class PublishedProperties {
    private static final Map<String, Entry> ENTRIES = new HashMap<>();   // guarded by the class

    private PublishedProperties() {
    }

    /** Sets {@code key} to {@code value} on behalf of {@code owner}. */
    static synchronized void publish(Object owner, String key, String value) {
        Entry entry = ENTRIES.computeIfAbsent(key, k -> new Entry(System.getProperty(k)));
        entry.owners.removeIf(setting -> setting.owner == owner);
        entry.owners.add(new Setting(owner, value));
        System.setProperty(key, value);
    }

    /** Withdraws what {@code owner} set for {@code key}; the newest remaining value, or the original, is restored. */
    static synchronized void withdraw(Object owner, String key) {
        Entry entry = ENTRIES.get(key);
        if (entry == null || !entry.owners.removeIf(setting -> setting.owner == owner)) {
            return;
        }
        if (!entry.owners.isEmpty()) {
            System.setProperty(key, entry.owners.get(entry.owners.size() - 1).value);
            return;
        }
        ENTRIES.remove(key);
        if (entry.original == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, entry.original);
        }
    }

    private record Setting(Object owner, String value) {
    }

    private static final class Entry {
        final String original;   // null: the property was not set
        final List<Setting> owners = new ArrayList<>();

        Entry(String original) {
            this.original = original;
        }
    }
}
