package io.chaosproxy.junit5;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** Runs fixture classes through the Jupiter engine and reads what happened. */
final class Kit {
    private Kit() {
    }

    /** Runs the fixtures one test at a time. */
    static EngineExecutionResults run(Class<?>... fixtures) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                .selectors(Arrays.stream(fixtures).map(f -> selectClass(f)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
    }

    /** Runs the fixtures in JUnit's parallel mode, classes and methods concurrent. */
    static EngineExecutionResults runInParallel(Class<?>... fixtures) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "8")
                .selectors(Arrays.stream(fixtures).map(f -> selectClass(f)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .execute();
    }

    /** The message of every failure among the events, with the messages of what caused it. */
    static List<String> failureMessages(Events events) {
        return events.failed().stream()
                .map(Kit::throwable)
                .flatMap(Optional::stream)
                .map(Kit::messages)
                .toList();
    }

    private static Optional<Throwable> throwable(Event event) {
        return event.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable);
    }

    private static String messages(Throwable t) {
        StringBuilder text = new StringBuilder(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        for (Throwable cause = t.getCause(); cause != null; cause = cause.getCause()) {
            text.append(" / ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** Whether something can listen on {@code port} again. */
    static boolean portIsFree(int port) {
        try {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends {@code text} through {@code port} and reads as many bytes back. */
    static String roundTrip(int port, String text) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(bytes);
            InputStream in = socket.getInputStream();
            byte[] back = in.readNBytes(bytes.length);
            return new String(back, StandardCharsets.UTF_8);
        }
    }
}
