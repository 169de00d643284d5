package io.chaosproxy.junit5.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PublishedPropertiesTest {
    private static final String KEY = "chaosproxy.published-properties-test.port";
    private final Object classA = new Object();
    private final Object classB = new Object();

    @AfterEach
    void clear() {
        System.clearProperty(KEY);
    }

    @Test
    void theFirstScopeToEndLeavesTheOtherScopesValueAndTheLastRestoresTheOriginal() {
        System.setProperty(KEY, "original");
        PublishedProperties.publish(classA, KEY, "1111");
        PublishedProperties.publish(classB, KEY, "2222");
        PublishedProperties.withdraw(classA, KEY);
        assertThat(System.getProperty(KEY)).isEqualTo("2222");
        PublishedProperties.withdraw(classB, KEY);
        assertThat(System.getProperty(KEY)).isEqualTo("original");
    }

    @Test
    void scopesEndingInReverseOrderRestoreEachValueInTurnThenClearAnUnsetProperty() {
        PublishedProperties.publish(classA, KEY, "1111");
        PublishedProperties.publish(classB, KEY, "2222");
        PublishedProperties.withdraw(classB, KEY);
        assertThat(System.getProperty(KEY)).isEqualTo("1111");
        PublishedProperties.withdraw(classA, KEY);
        assertThat(System.getProperties()).doesNotContainKey(KEY);
    }

    @Test
    void withdrawingTwiceOrWithoutPublishingChangesNothing() {
        PublishedProperties.publish(classA, KEY, "1111");
        PublishedProperties.withdraw(classB, KEY);
        assertThat(System.getProperty(KEY)).isEqualTo("1111");
        PublishedProperties.withdraw(classA, KEY);
        System.setProperty(KEY, "set later by someone else");
        PublishedProperties.withdraw(classA, KEY);
        assertThat(System.getProperty(KEY)).isEqualTo("set later by someone else");
    }
}
