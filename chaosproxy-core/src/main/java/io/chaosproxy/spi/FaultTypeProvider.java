package io.chaosproxy.spi;

import java.util.List;

/**
 * Hands fault types to the proxy. List an implementation (public, with a public no-argument constructor) in
 * {@code META-INF/services/io.chaosproxy.spi.FaultTypeProvider}; {@link FaultTypes} finds it with
 * {@link java.util.ServiceLoader}, and config files and the admin API then know its types by name.
 */
public interface FaultTypeProvider {

    /** The types this provider registers; type names are unique across all providers. */
    List<FaultType<?>> faultTypes();
}
