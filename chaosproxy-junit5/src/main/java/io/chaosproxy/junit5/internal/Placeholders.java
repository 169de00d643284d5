package io.chaosproxy.junit5.internal;

import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Replaces {@code ${name}} in an upstream with a system property, else an environment variable. */
final class Placeholders {
    /**
     * A {@code ${name}} that is not set yet. A class's proxy waits for it until the class is first used, as the
     * class itself may set it (a {@code @BeforeAll} that starts the upstream).
     */
    static final class Unset extends ExtensionConfigurationException {
        Unset(String message) {
            super(message);
        }
    }

    private Placeholders() {
    }

    static String resolve(String text, String where) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (true) {
            int start = text.indexOf("${", from);
            if (start < 0) {
                return out.append(text, from, text.length()).toString();
            }
            int end = text.indexOf('}', start);
            if (end < 0) {
                throw new ExtensionConfigurationException(where + ": upstream \"" + text + "\" has a ${ with no }");
            }
            String name = text.substring(start + 2, end);
            String value = name.isBlank() ? null : System.getProperty(name, System.getenv(name));
            if (value == null) {
                throw new Unset(where + ": ${" + name + "} in upstream is not a system property or environment"
                        + " variable; set it in a static initializer or @BeforeAll, before the class's first test");
            }
            out.append(text, from, start).append(value);
            from = end + 1;
        }
    }
}
