package io.chaosproxy.spi;

/**
 * A re-armable timer of one stage, run on its connection's loop; cancelled for good when the stage is removed
 * or the connection closes. Arming allocates nothing.
 */
public interface StageTimer {

    /** Runs the action at {@code deadlineNanos} (the context's clock), replacing any earlier arming. */
    void armAt(long deadlineNanos);

    /** Runs the action {@code delayNanos} from now. */
    void armIn(long delayNanos);

    /** Whether the timer is armed and has not fired yet. */
    boolean isArmed();

    /** Disarms the timer; it may be armed again. */
    void cancel();
}
