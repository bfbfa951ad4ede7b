package ctguard.core.top;

import java.util.Map;

/** What the node's firewall tells top's advice: stateful Neutron security groups, and OVS zone limits. */
public interface NodeFirewall {
    /** Nothing known: a saved entry list, or a node whose rules could not be read. */
    NodeFirewall UNKNOWN = new NodeFirewall() {
        @Override
        public boolean neutronSecurityGroups() {
            return false;
        }

        @Override
        public Map<Integer, Long> ovsZoneLimits() {
            return null;
        }
    };

    /** True when the ruleset has Neutron's stateful security-group chains (neutron-openvswi-*). */
    boolean neutronSecurityGroups();

    /** OVS's conntrack zone limits (zone → limit, 0 for none; the key -1 is the default), or null without OVS. */
    Map<Integer, Long> ovsZoneLimits();
}
