package io.chaosproxy.internal;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The memory that stages cutting chunks into pieces (slicer, bandwidth) or adding new bytes (StageContext.newChunk) may
 * add to one pipe without reading. A stage may cut only while the pipe pins less than the high-water mark plus
 * two chunks times its place in the chain, which is more than reading and the stages before it can reach; past
 * that it waits here until the pipe drains. So a stage that cuts the pieces of another (two slicers, a bandwidth behind a slicer) can always go on
 * while the one above it waits, and the chain never stalls with all its memory in waiting stages. Loop thread only.
 */
final class SplitRoom {
    private final StageChain stages;
    private final EventLoop loop;
    private final long highWater;
    private final long headroom;   // two chunks: more than a read overshoots the mark by
    private final ArrayDeque<StageLink> waiting = new ArrayDeque<>(2);

    SplitRoom(StageChain stages, EventLoop loop, long highWater, int chunkSize) {
        this.stages = stages;
        this.loop = loop;
        this.highWater = highWater;
        this.headroom = 2L * chunkSize;
    }

    /** Whether {@code link} may cut a piece (new memory) while the pipe pins {@code pinned} bytes. */
    boolean has(StageLink link, long pinned) {
        return pinned < highWater + headroom * stages.positionOf(link);
    }

    /** Resumes {@code link} (its {@link StageLink#whenRoomToSplit} action) once the pipe has drained enough. */
    void waitFor(StageLink link) {
        if (!waiting.contains(link)) {
            waiting.addLast(link);
        }
    }

    /** The stage is gone: it waits no more. */
    void forget(StageLink link) {
        waiting.remove(link);
    }

    /** The pipe gave memory back and now pins {@code pinned}: every waiting stage that has room again goes on. */
    void freed(long pinned) {
        if (waiting.isEmpty()) {
            return;
        }
        for (Iterator<StageLink> it = waiting.iterator(); it.hasNext(); ) {
            StageLink link = it.next();
            if (has(link, pinned)) {
                it.remove();
                loop.execute(link.resumeTask());   // later: not in the middle of whatever freed the memory
            }
        }
    }
}
