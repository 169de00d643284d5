package io.chaosproxy.internal;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The faults on one connection, in order: the route's, then the connection's own. A data fault runs as a stage in
 * each pipe its direction covers, at the same place in the chain as in this list; a connection fault runs once,
 * whatever its direction, and no pipe sees it. A change to the route's faults is reconciled here: a fault that
 * stays keeps its stage (and what that holds), a changed one is replaced in place. The list other threads may
 * read is published to the connection's handle. Loop thread only.
 */
final class FaultChain {
    private final FaultHost host;
    private final ProxiedConnection handle;
    private final EventLoop loop;
    private final Pipe upstreamPipe;
    private final Pipe downstreamPipe;
    private final SplittableRandom random;
    private final List<FaultEntry> entries = new ArrayList<>(0);
    private boolean started;   // stages added from now on start at once

    FaultChain(FaultHost host, ProxiedConnection handle, EventLoop loop, Pipe upstreamPipe, Pipe downstreamPipe,
            long seed, boolean started) {
        this.host = host;
        this.handle = handle;
        this.loop = loop;
        this.upstreamPipe = upstreamPipe;
        this.downstreamPipe = downstreamPipe;
        this.random = new SplittableRandom(seed);
        this.started = started;
    }

    /** Brings the route's faults on this connection in line with {@code wanted}, the route's current list. */
    void reconcile(List<Fault> wanted) {
        if (wanted.isEmpty() && entries.isEmpty()) {
            return;   // nothing to build, nothing to publish
        }
        for (FaultEntry entry : new ArrayList<>(entries)) {
            if (!entry.own) {
                Fault fault = byName(wanted, entry.fault().name());
                if (fault == null) {
                    remove(entry);
                } else if (!fault.equals(entry.fault())) {
                    replace(entry, fault);
                }
            }
        }
        for (Fault fault : wanted) {
            if (named(fault.name()) == null) {
                add(fault, false);
            }
        }
        publish();
    }

    /** Adds a fault of this connection alone, behind every other. */
    void addOwn(Fault fault) {
        add(fault, true);
        publish();
    }

    /** Replaces a fault of this connection alone, in place: what the old one held passes through the new one. */
    void updateOwn(FaultEntry entry, Fault fault) {
        if (!fault.equals(entry.fault())) {
            replace(entry, fault);
            publish();
        }
    }

    /** Removes a fault of this connection alone. */
    void removeOwn(FaultEntry entry) {
        remove(entry);
        publish();
    }

    /** Starts every stage; the connection is set up. */
    void start() {
        started = true;
        for (FaultEntry entry : new ArrayList<>(entries)) {
            startStages(entry);
        }
    }

    /** The connection closed: the connection stages' timers stop (the pipes give back what data stages held). */
    void stop() {
        for (FaultEntry entry : entries) {
            if (entry.connectionStage != null) {
                entry.connectionStage.stop();
            }
        }
    }

    FaultEntry named(String name) {
        for (FaultEntry entry : entries) {
            if (entry.fault().name().equals(name)) {
                return entry;
            }
        }
        return null;
    }

    private static Fault byName(List<Fault> faults, String name) {
        for (Fault fault : faults) {
            if (fault.name().equals(name)) {
                return fault;
            }
        }
        return null;
    }

    /** Route faults go behind the route's other faults and ahead of the connection's own; own faults last. */
    private void add(Fault fault, boolean own) {
        // Toxicity is rolled (always, so that one roll never shifts the next) each time a fault starts on a link.
        boolean active = random.nextDouble() < fault.toxicity();
        FaultEntry entry = new FaultEntry(fault, FaultTypes.of(fault), host, own, active);
        int position = own ? entries.size() : lastRouteEntryIndex() + 1;
        if (active && entry.type().actsOnConnection()) {
            addConnectionStage(entry);
        } else if (active) {
            if (fault.direction().covers(Direction.DOWNSTREAM)) {
                StageLink after = own ? downstreamPipe.tail() : lastStageBefore(position, false);
                entry.downstreamStage = downstreamPipe.insertAfter(entry, after, random.split());
            }
            if (fault.direction().covers(Direction.UPSTREAM)) {
                StageLink after = own ? upstreamPipe.tail() : lastStageBefore(position, true);
                entry.upstreamStage = upstreamPipe.insertAfter(entry, after, random.split());
            }
        }
        entries.add(position, entry);
        if (started) {
            startStages(entry);
        }
    }

    private void replace(FaultEntry old, Fault fault) {
        int position = entries.indexOf(old);
        // Toxicity is decided once per connection: a changed delay keeps the decision, a changed toxicity
        // decides again. The roll is drawn either way, so the decisions after it do not depend on which it was.
        boolean rolled = random.nextDouble() < fault.toxicity();
        boolean active = fault.toxicity() == old.fault().toxicity() ? old.active : rolled;
        FaultEntry entry = new FaultEntry(fault, FaultTypes.of(fault), host, old.own, active);
        if (active && entry.type().actsOnConnection()) {
            addConnectionStage(entry);
        } else if (active) {
            if (fault.direction().covers(Direction.DOWNSTREAM)) {
                StageLink after = old.downstreamStage != null ? old.downstreamStage : lastStageBefore(position, false);
                entry.downstreamStage = downstreamPipe.insertAfter(entry, after, random.split());
            }
            if (fault.direction().covers(Direction.UPSTREAM)) {
                StageLink after = old.upstreamStage != null ? old.upstreamStage : lastStageBefore(position, true);
                entry.upstreamStage = upstreamPipe.insertAfter(entry, after, random.split());
            }
        }
        entries.set(position, entry);
        removeStages(old);   // what the old stage held now passes through the new one
        if (started) {
            startStages(entry);
        }
    }

    private void addConnectionStage(FaultEntry entry) {
        entry.connectionStage = new ConnectionFaultLink(entry, loop, random.split());
        entry.connectionStage.create();
    }

    private void remove(FaultEntry entry) {
        entries.remove(entry);
        removeStages(entry);
    }

    private void removeStages(FaultEntry entry) {
        if (entry.connectionStage != null) {
            entry.connectionStage.remove();
        }
        if (entry.upstreamStage != null) {
            upstreamPipe.remove(entry.upstreamStage);
        }
        if (entry.downstreamStage != null) {
            downstreamPipe.remove(entry.downstreamStage);
        }
    }

    private void startStages(FaultEntry entry) {
        if (entry.connectionStage != null && !host.isClosed()) {
            entry.connectionStage.start();
        }
        if (entry.downstreamStage != null && !host.isClosed()) {
            entry.downstreamStage.guarded(entry.downstreamStage.stage::onStart);
        }
        if (entry.upstreamStage != null && !host.isClosed()) {
            entry.upstreamStage.guarded(entry.upstreamStage.stage::onStart);
        }
    }

    private int lastRouteEntryIndex() {
        int last = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).own) {
                last = i;
            }
        }
        return last;
    }

    /** The stage, in the given pipe, of the last entry before {@code position} that has one there. */
    private StageLink lastStageBefore(int position, boolean upstreamPipeWanted) {
        for (int i = position - 1; i >= 0; i--) {
            StageLink stage = upstreamPipeWanted ? entries.get(i).upstreamStage : entries.get(i).downstreamStage;
            if (stage != null) {
                return stage;
            }
        }
        return null;
    }

    /** Publishes the names of all faults here, the faults whose toxicity roll picked this connection, and its own. */
    private void publish() {
        List<Fault> active = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Fault> own = new ArrayList<>(0);
        for (FaultEntry entry : entries) {
            names.add(entry.fault().name());
            if (entry.active) {
                active.add(entry.fault());
            }
            if (entry.own) {
                own.add(entry.fault());
            }
        }
        handle.faultsChanged(List.copyOf(active), List.copyOf(names), List.copyOf(own));
    }
}
