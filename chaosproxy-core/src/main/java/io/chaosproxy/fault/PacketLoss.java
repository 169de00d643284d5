package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Toxiproxy's {@code packet_loss}: with {@code lossRate} per chunk, the chunk's bytes are thrown away, so the
 * stream reaches its reader with a gap. Right after a dropped chunk the next one is dropped with
 * {@code lossRate + correlation} (at most 1), so losses come in bursts. No real TCP connection shows its
 * application a gap; {@link Loss} is the fault that does what packet loss does to TCP.
 *
 * @param lossRate    0.0..1.0, per chunk
 * @param correlation 0.0..1.0, added to the rate right after a dropped chunk; default 0.0
 */
public record PacketLoss(double lossRate, double correlation, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<PacketLoss> TYPE = FaultType.dataFault("packet_loss", PacketLoss.class, PacketLossStage::new)
            .describedAs("With loss_rate per chunk, the chunk's bytes are dropped: the stream has a gap")
            .attribute(Attribute.probability("loss_rate", PacketLoss::lossRate).describedAs("per chunk"))
            .attribute(Attribute.probability("correlation", (PacketLoss p) -> p.correlation()).defaultValue(0.0)
                    .describedAs("added to loss_rate right after a dropped chunk"))
            .make(v -> Fault.packetLoss(v.probability("loss_rate")).correlation(v.probability("correlation")))
            .build();

    /** Checks the values. */
    public PacketLoss {
        Check.probability("packet_loss lossRate", lossRate);
        Check.probability("packet_loss correlation", correlation);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy where a chunk right after a dropped one is dropped with {@code lossRate + correlation}. */
    public PacketLoss correlation(double correlation) {
        return new PacketLoss(lossRate, correlation, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public PacketLoss withEnvelope(Envelope envelope) {
        return new PacketLoss(lossRate, correlation, envelope);
    }

    /** Toxiproxy's names and units, as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
