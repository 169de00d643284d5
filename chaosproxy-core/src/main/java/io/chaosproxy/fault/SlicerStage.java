package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;

/** Applies one {@link Slicer} to one direction of one connection: one slice now, the next after the delay. */
final class SlicerStage implements Stage {
    private final Slicer fault;
    private final int smallest;   // a variation past the average would give empty or negative slices
    private final int largest;
    private final long delayNanos;
    private final StageContext context;
    private final StageTimer timer;
    private boolean reported;
    private int nextSize;   // drawn, not yet cut: kept while waiting for room, as a wait is timing, not traffic

    SlicerStage(Slicer fault, StageContext context) {
        this.fault = fault;
        this.smallest = Math.max(1, fault.averageSize() - fault.sizeVariation());
        this.largest = fault.averageSize() + fault.sizeVariation();
        this.delayNanos = fault.delay().toNanos();
        this.context = context;
        this.timer = context.newTimer(this::sendSlice);
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!reported && !chunk.isEnd()) {
            reported = true;   // reported once, when it first holds data
            context.injected("slicing into " + fault.averageSize() + " ± " + fault.sizeVariation() + " bytes, "
                    + delayNanos / 1_000 + "us apart");
        }
        context.hold(chunk);
        if (!timer.isArmed()) {
            sendSlice();
        }
    }

    private void sendSlice() {
        Chunk head;
        while ((head = context.peekHeld()) != null) {
            if (nextSize == 0) {
                nextSize = smallest == largest ? smallest : context.random().nextInt(smallest, largest + 1);
            }
            if (head.isEnd() || nextSize >= head.size()) {
                nextSize = 0;
                context.forward(context.pollHeld());
            } else if (!context.hasRoomToSplit()) {
                context.whenRoomToSplit(this::sendSlice);   // each slice takes memory: wait for the pipe to drain
                return;
            } else {
                int size = nextSize;
                nextSize = 0;
                context.forward(context.split(head, size));
            }
            if (delayNanos > 0) {
                // Armed even when nothing is held: a chunk that arrives sooner waits too, as chunk boundaries
                // mean nothing to the user (Toxiproxy's slicer sleeps after every slice, the last one too).
                timer.armIn(delayNanos);
                return;
            }
        }
    }
}
