package io.chaosproxy.spi;

import io.chaosproxy.Fault;

/**
 * A fault that carries its own type, so the proxy can apply it without registration: handy for a one-off fault
 * in one test. Config files and the admin API know only registered types ({@link FaultTypeProvider}).
 */
public interface TypedFault extends Fault {

    /** This fault's type; its {@link FaultType#valueType()} is this fault's class. */
    FaultType<?> faultType();
}
