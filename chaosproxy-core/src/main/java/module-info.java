/**
 * chaos-proxy's core: the API ({@code io.chaosproxy}), the fault values ({@code io.chaosproxy.fault}), the stage
 * SPI ({@code io.chaosproxy.spi}) and config files ({@code io.chaosproxy.config}). The engine,
 * {@code io.chaosproxy.internal}, is not exported.
 */
module io.chaosproxy {
    requires org.slf4j;
    requires org.snakeyaml.engine;

    exports io.chaosproxy;
    exports io.chaosproxy.config;
    exports io.chaosproxy.fault;
    exports io.chaosproxy.spi;

    uses io.chaosproxy.spi.FaultTypeProvider;

    provides io.chaosproxy.spi.FaultTypeProvider with io.chaosproxy.fault.BuiltInFaults;
}
