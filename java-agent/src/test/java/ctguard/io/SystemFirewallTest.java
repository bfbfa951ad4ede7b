package ctguard.io;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** OVS's ct-get-limits answer, as ovs-appctl prints it. */
class SystemFirewallTest {
    @Test
    void theDefaultAndEachZonesLimit() {
        String out = "default limit=0\nzone=1,limit=100,count=3\nzone=12,limit=10000,count=9420\n";
        assertEquals(Map.of(-1, 0L, 1, 100L, 12, 10000L), SystemFirewall.parseLimits(out));
    }

    @Test
    void anAnswerWithoutLimitsIsEmpty() {
        assertEquals(Map.of(), SystemFirewall.parseLimits("ovs-appctl: cannot connect to \"/var/run/openvswitch/ovs-vswitchd.ctl\"\n"));
    }
}
