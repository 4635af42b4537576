package io.pypub.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK keeps 5 idle connections per server unless told otherwise; pypub's clients ask for as many as it sends
 * requests at once, but never over an operator's own {@code -Dhttp.maxConnections}.
 */
class AwsClientsTest {
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(AwsClients.KEEP_ALIVE_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(AwsClients.KEEP_ALIVE_PROPERTY);
        } else {
            System.setProperty(AwsClients.KEEP_ALIVE_PROPERTY, before);
        }
    }

    @Test
    void keepsAsManyConnectionsAsPypubRunsRequestsAtOnce() {
        System.clearProperty(AwsClients.KEEP_ALIVE_PROPERTY);

        AwsClients.keepAliveForParallelRequests();

        assertThat(System.getProperty(AwsClients.KEEP_ALIVE_PROPERTY)).isEqualTo("64");
    }

    @Test
    void leavesTheOperatorsSettingAlone() {
        System.setProperty(AwsClients.KEEP_ALIVE_PROPERTY, "7");

        AwsClients.keepAliveForParallelRequests();

        assertThat(System.getProperty(AwsClients.KEEP_ALIVE_PROPERTY)).isEqualTo("7");
    }
}
