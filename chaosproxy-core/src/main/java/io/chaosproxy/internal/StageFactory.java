package io.chaosproxy.internal;

/** Makes the stage that applies a fault to one direction of one new connection. */
public interface StageFactory {

    /** Returns a new stage bound to {@code context}; called on the connection's loop. */
    Stage newStage(StageContext context);
}
