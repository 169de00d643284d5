package io.chaosproxy.internal;

/**
 * The stages of one pipe in the order chunks pass them, linked through {@link StageLink#next}; the sink comes
 * after the last. It counts the stages that act on data: with none of them, the pipe takes its fast path.
 * Loop thread only.
 */
final class StageChain {
    private StageLink head;
    private int dataStages;   // stages that act on data; the others are bypassed by the fast path

    /** The first stage; null when there is none. */
    StageLink head() {
        return head;
    }

    /** Whether some stage must see the data (no fast path). */
    boolean actsOnData() {
        return dataStages != 0;
    }

    /** The last stage; null when there is none. */
    StageLink tail() {
        StageLink tail = head;
        while (tail != null && tail.next != null) {
            tail = tail.next;
        }
        return tail;
    }

    /** Links {@code link} right behind {@code after}, or at the head when {@code after} is null. */
    void insertAfter(StageLink after, StageLink link) {
        if (link.actsOnData) {
            dataStages++;
        }
        if (after != null) {
            link.next = after.next;
            after.next = link;
        } else {
            link.next = head;
            head = link;
        }
    }

    /** Unlinks {@code link}; its {@code next} still points where its chunks must go. */
    void unlink(StageLink link) {
        if (link.actsOnData) {
            dataStages--;
        }
        StageLink previous = null;
        for (StageLink s = head; s != null && s != link; s = s.next) {
            previous = s;
        }
        if (previous == null) {
            if (head == link) {
                head = link.next;
            }
        } else {
            previous.next = link.next;
        }
    }

    /** The place of {@code link} in the chain, counting from 1. */
    int positionOf(StageLink link) {
        int position = 1;
        for (StageLink s = head; s != null && s != link; s = s.next) {
            position++;
        }
        return position;
    }
}
