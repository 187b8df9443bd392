package dev.warrant.gateway;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessPortsTest {

    /** A cluster member chosen the same port for HTTP and Hazelcast refused to start (CI, 2026-12-05). */
    @Test
    void portsChosenTogetherAreDistinctAndOutsideTheEphemeralRange() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = ProcessPorts.freePort();
            assertThat(ports.add(port)).as("port %d handed out twice", port).isTrue();
            assertThat(port).isBetween(20_000, 31_999);
        }
    }
}
