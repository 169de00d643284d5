package io.chaosproxy;

import java.util.List;
import java.util.Objects;

/**
 * One thing a {@link Scenario} does to its route at its offset: add, update or remove a fault, set the whole list,
 * take the route down or bring it back, cut its connections. Each step is the {@link Route} method of its name,
 * with the same meaning and the same errors.
 *
 * <pre>{@code Step.add(Fault.latency(Duration.ofMillis(200)))   Step.disable()   Step.remove("latency_downstream")}</pre>
 */
public sealed interface Step {

    /** {@link Route#addFault}: the fault behind the others; it fails when the route has one of that name. */
    static Step add(Fault fault) {
        return new AddFault(fault);
    }

    /** {@link Route#updateFault}: replaces the fault of the same name in place; it fails when there is none. */
    static Step update(Fault fault) {
        return new UpdateFault(fault);
    }

    /** {@link Route#removeFault}: removes the named fault; it fails when there is none. */
    static Step remove(String faultName) {
        return new RemoveFault(faultName);
    }

    /** {@link Route#setFaults}: the whole list in one step; an empty list clears it. */
    static Step setFaults(List<Fault> faults) {
        return new SetFaults(faults);
    }

    /** {@link Route#disable}: the port refuses and live connections are cut. */
    static Step disable() {
        return new Disable();
    }

    /** {@link Route#enable}: the route accepts again, on the same port. */
    static Step enable() {
        return new Enable();
    }

    /** {@link Route#closeConnections}: every live connection is cut; the route goes on accepting. */
    static Step closeConnections() {
        return new CloseConnections();
    }

    /** Adds a fault; see {@link Step#add}. */
    record AddFault(Fault fault) implements Step {
        public AddFault {
            Objects.requireNonNull(fault, "fault");
        }

        @Override
        public String toString() {
            return "add " + fault.name();
        }
    }

    /** Replaces a fault of the same name; see {@link Step#update}. */
    record UpdateFault(Fault fault) implements Step {
        public UpdateFault {
            Objects.requireNonNull(fault, "fault");
        }

        @Override
        public String toString() {
            return "update " + fault.name();
        }
    }

    /** Removes a fault by name; see {@link Step#remove}. */
    record RemoveFault(String name) implements Step {
        public RemoveFault {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return "remove " + name;
        }
    }

    /** Replaces every fault at once; see {@link Step#setFaults}. */
    record SetFaults(List<Fault> faults) implements Step {
        public SetFaults {
            Objects.requireNonNull(faults, "faults");
            faults.forEach(fault -> Objects.requireNonNull(fault, "a fault in faults"));
            faults = List.copyOf(faults);
        }

        @Override
        public String toString() {
            return "set_faults " + faults.stream().map(Fault::name).toList();
        }
    }

    /** Takes the route down; see {@link Step#disable}. */
    record Disable() implements Step {

        @Override
        public String toString() {
            return "disable";
        }
    }

    /** Brings the route back; see {@link Step#enable}. */
    record Enable() implements Step {

        @Override
        public String toString() {
            return "enable";
        }
    }

    /** Cuts every live connection; see {@link Step#closeConnections}. */
    record CloseConnections() implements Step {

        @Override
        public String toString() {
            return "close_connections";
        }
    }
}
