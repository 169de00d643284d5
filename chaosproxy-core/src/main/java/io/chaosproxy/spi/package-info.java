/**
 * The stage SPI: how a fault acts on the traffic, for the built-in faults and for faults of your own.
 *
 * <p>A fault is a value (a record implementing {@link io.chaosproxy.Fault}) plus a {@link FaultType} that names
 * it, lists its attributes and makes its stages. A <em>data</em> fault gets a {@link Stage} per direction of each
 * connection it applies to, and sees every {@link Chunk} of that direction through a {@link StageContext}; a
 * <em>connection</em> fault gets one {@link ConnectionStage} per connection and acts through a
 * {@link ConnectionContext} (hold the connect, refuse the connection, end it later). Register your types with a
 * {@link FaultTypeProvider} listed in {@code META-INF/services/io.chaosproxy.spi.FaultTypeProvider}; config files
 * and the admin API then know them by name. Stable: changes only in a major release.
 */
package io.chaosproxy.spi;
