package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;

/**
 * Applies one {@link Bandwidth} to one direction of one connection: a token bucket refilled continuously,
 * holding at most 10 ms of burst. Chunks bigger than the credit leave in pieces. Loop thread only.
 */
final class BandwidthStage implements Stage {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private final double burst;
    private final StageContext context;
    private final StageTimer timer;
    private double credit;
    private long refilledNanos;
    private boolean backlogged;   // chunks waited through the whole time since the last refill
    private boolean reported;

    BandwidthStage(Bandwidth fault, StageContext context) {
        this.bytesPerSecond = fault.bytesPerSecond();
        this.burst = Math.max(1.0, bytesPerSecond / 100.0);
        this.context = context;
        this.timer = context.newTimer(this::pump);
        this.refilledNanos = context.nanoTime();
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!reported && !chunk.isEnd()) {
            reported = true;   // reported once, when it first holds data
            context.injected("limiting to " + bytesPerSecond + " bytes/s");
        }
        context.hold(chunk);
        if (bytesPerSecond > 0 && !timer.isArmed()) {
            pump();
        }
    }

    private void pump() {
        long now = context.nanoTime();
        double refill = (now - refilledNanos) * (double) bytesPerSecond / NANOS_PER_SECOND;
        // The burst cap is for a quiet stream. With chunks waiting all along, a timer that fired late must not
        // cost the stream the credit it earned meanwhile, or every late tick would slow the rate down.
        credit = backlogged ? credit + refill : Math.min(burst, credit + refill);
        refilledNanos = now;
        Chunk head;
        while ((head = context.peekHeld()) != null) {
            int size = head.size();
            if (size <= credit) {
                credit -= size;
                context.forward(context.pollHeld());
            } else if (credit >= 1 && !context.hasRoomToSplit()) {
                context.whenRoomToSplit(this::pump);   // a piece takes memory: wait for the pipe to drain
                return;
            } else if (credit >= 1) {
                int piece = (int) credit;
                credit -= piece;
                context.forward(context.split(head, piece));
            } else {
                break;
            }
        }
        backlogged = head != null;
        if (head != null) {
            double wanted = Math.min(head.size(), burst) - credit;
            timer.armIn((long) Math.ceil(wanted * NANOS_PER_SECOND / bytesPerSecond));
        }
    }
}
