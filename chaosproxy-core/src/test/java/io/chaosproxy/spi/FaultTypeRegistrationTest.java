package io.chaosproxy.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.BuiltInFaults;
import io.chaosproxy.fault.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One broken provider or clashing type is left out and told; it never takes the other types down with it. */
class FaultTypeRegistrationTest {

    record Plain(Envelope envelope) implements Fault {
        static final FaultType<Plain> TYPE = FaultType.dataFault("plain", Plain.class, (fault, context) -> context::forward)
                .make(values -> new Plain(Envelope.DEFAULT)).build();
        static final FaultType<Plain> SAME_CLASS = FaultType.dataFault("plain_again", Plain.class,
                (fault, context) -> context::forward).make(values -> new Plain(Envelope.DEFAULT)).build();

        @Override
        public String type() {
            return "plain";
        }

        @Override
        public Fault withEnvelope(Envelope newEnvelope) {
            return new Plain(newEnvelope);
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }
    }

    private static FaultTypeProvider providing(List<FaultType<?>> types) {
        return () -> types;
    }

    @Test
    void aBrokenProviderOrAClashingTypeIsLeftOutAndTold() {
        List<FaultTypeProvider> providers = new ArrayList<>();
        providers.add(new BuiltInFaults());
        providers.add(() -> {
            throw new IllegalStateException("broken on purpose");
        });
        providers.add(() -> null);
        providers.add(providing(java.util.Arrays.asList(Plain.TYPE, null)));
        providers.add(providing(List.of(Plain.SAME_CLASS)));                                   // a second type of Plain
        providers.add(providing(List.of(FaultTypes.named("latency").orElseThrow())));           // latency again
        FaultTypes.Registry registry = FaultTypes.Registry.of(providers, List.of("listed but not loadable"));

        assertThat(registry.byName()).containsKeys("latency", "drop", "plain").doesNotContainKey("plain_again");
        assertThat(registry.all()).hasSize(new BuiltInFaults().faultTypes().size() + 1);
        assertThat(registry.byClass().get(Plain.class)).isSameAs(Plain.TYPE);
        assertThat(registry.problems()).hasSize(6).anySatisfy(p -> assertThat(p).contains("broken on purpose"))
                .anySatisfy(p -> assertThat(p).contains("returned null instead of a list"))
                .anySatisfy(p -> assertThat(p).contains("null type"))
                .anySatisfy(p -> assertThat(p).contains("\"plain_again\"").contains("value class of \"plain\""))
                .anySatisfy(p -> assertThat(p).contains("\"latency\"").contains("registered already"))
                .contains("listed but not loadable");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** faultTypes() declares nothing, but an assert, a stack overflow or a sneaky checked exception still gets out. */
    @Test
    void aProviderThrowingAnErrorOrACheckedExceptionIsLeftOutToo() {
        List<FaultTypeProvider> providers = new ArrayList<>();
        providers.add(new BuiltInFaults());
        providers.add(() -> {
            throw new AssertionError("assert on purpose");
        });
        providers.add(() -> {
            throw sneaky(new java.io.IOException("checked on purpose"));
        });
        providers.add(providing(List.of(Plain.TYPE)));

        FaultTypes.Registry registry = FaultTypes.Registry.of(providers, List.of());

        assertThat(registry.byName()).containsKeys("latency", "plain");
        assertThat(registry.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("assert on purpose"))
                .anySatisfy(p -> assertThat(p).contains("checked on purpose"));
    }

    /**
     * A class loader that cannot list its service files (an IOException from getResources) makes the
     * ServiceLoader fail again on every step: the lookup must give up, not loop (here it stops failing after
     * 1000 tries, so the bug shows as 1000 problems rather than a hang).
     */
    @Test
    void aClassLoaderThatCannotListProvidersIsToldOnceAndLeftBehind() {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        ClassLoader broken = new ClassLoader(FaultTypes.class.getClassLoader()) {
            @Override
            public java.util.Enumeration<java.net.URL> getResources(String name) throws java.io.IOException {
                if (name.contains(FaultTypeProvider.class.getName()) && lookups.incrementAndGet() <= 1000) {
                    throw new java.io.IOException("cannot list on purpose");
                }
                return java.util.Collections.emptyEnumeration();
            }
        };
        java.util.Map<String, FaultTypeProvider> providers = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();

        FaultTypes.addProviders(providers, broken, problems);

        assertThat(problems).hasSize(1).first().asString().contains("a fault type provider was left out");
    }

    @Test
    void thisBuildRegistersEveryBuiltInTypeWithoutProblems() {
        assertThat(FaultTypes.problems()).isEmpty();
        assertThat(FaultTypes.all()).startsWith(new BuiltInFaults().faultTypes().toArray(FaultType<?>[]::new));
    }
}
