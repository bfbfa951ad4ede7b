#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: conntrack-guard developers
# SPDX-License-Identifier: Apache-2.0 (LICENSE at the repository root)
"""Ansible module conntrack_guard: runs the ctguard agent and returns its ctguard/v1 JSON result."""

DOCUMENTATION = r"""
---
module: conntrack_guard
short_description: Check, raise, balance, restore and persist the Linux conntrack table limits with the ctguard agent
version_added: "0.1.0"
description:
  - Runs C(ctguard), the conntrack-guard Java agent, on the managed node and returns its C(ctguard/v1) JSON
    result, so that an OpenStack upgrade does not hit the kernel's C(table full, dropping packet).
  - V(status) reports every value the agent reads (entry count and max, buckets, timeouts, drop counters,
    memory cost, writability of each tunable). V(check) adds a verdict (OK, WARNING, CRITICAL, UNKNOWN)
    and fails the task according to O(fail_on). V(plan) shows the values V(prepare) would set (C(plan)) and
    those V(tune) would set (C(tune_plan)). These three change nothing on the node (V(check) keeps its
    counter cache, see O(counter_cache)).
  - V(prepare) (before an upgrade) snapshots the original values, raises C(nf_conntrack_max) and the hash
    buckets within a memory budget and lowers C(nf_conntrack_tcp_timeout_time_wait). A second run reports
    C(changed=false).
  - V(tune) applies the balanced sizing, for a node whose max is out of balance with its RAM or its buckets. It
    sets C(nf_conntrack_max) to the budget ceiling (the largest power of two whose full table fits
    O(memory_budget); it may be lower than today's, never below the fullest namespace's live count plus a
    margin), buckets a quarter of that max (never fewer than now), TIME_WAIT 60 s (never longer than now).
    Same safety as V(prepare) (lock, snapshot of the originals first, all writes or none); with O(persist=true)
    it also writes the persist files in the same run. A second run reports C(changed=false).
  - V(restore) (after the upgrade) puts the snapshot's values (taken by V(prepare) or V(tune)) back once the
    table has drained; without a snapshot there is nothing to do.
  - V(persist) keeps the live values across reboots (C(/etc/sysctl.d/90-conntrack-guard.conf),
    C(/etc/modules-load.d/conntrack-guard.conf), and C(/etc/modprobe.d/conntrack-guard.conf) on kernels whose
    bucket sysctl is read-only); with O(remove=true) it removes those files.
  - The agent enforces the safety rules (one run at a time under a lock, the snapshot is never overwritten,
    V(prepare) only raises limits and only lowers timeouts, V(tune) lowers max only down to the live count
    plus a margin, failed writes are rolled back). This module builds its command line, runs it without a
    shell and maps its exit code and JSON to the task result.
  - V(guard) watches the table during the upgrade window and raises max (and buckets) before the kernel drops,
    within the memory budget, under the same lock and snapshot as V(prepare) (C(ctguard guard)). With
    O(supervisor=none) the task runs it to its end (for O(duration), or until V(guard_stop)), so run it with
    C(async) and C(poll=0); with O(supervisor=systemd) it starts it as the transient unit O(unit)
    (C(systemd-run)) and returns at once. V(guard_stop) ends the node's guard and returns its run (C(guard.events));
    run it before V(restore) or V(persist). The role does both with C(conntrack_guard_guard=true).
  - A parameter that does not apply to the chosen O(action) (for example O(wait) with V(prepare)) fails the
    task before anything runs.
author:
  - conntrack-guard developers (@conntrack-guard)
options:
  action:
    description:
      - What to do. V(status), V(check), V(plan) and V(top) are read-only; V(prepare), V(tune), V(restore) and
        V(persist) change the node (they take the agent's lock and need root).
      - V(top) counts what fills the table (C(ctguard top)) and returns its C(ctguard-top/v1) result, with
        print-only NOTRACK advice; it never changes anything.
      - V(guard) raises ahead of the load during the window; V(guard_stop) ends it and returns its run.
    type: str
    required: true
    choices: [status, check, plan, top, prepare, tune, restore, persist, guard, guard_stop]
  max:
    description:
      - Target C(nf_conntrack_max) (1..2147483647). Default, chosen by the agent, is the largest power of two
        whose memory fits O(memory_budget). For V(prepare) a value below the current one keeps the current one;
        V(tune) may lower max to it, but not below the fullest namespace's live count plus a margin (10%, the
        agent's C(--margin) default, settable in its site config file).
      - Applies to V(plan), V(prepare) and V(tune).
    type: int
  buckets:
    description:
      - Target hash buckets (1024..2147483647, rounded up to a multiple of 512 as the kernel does). Default,
        chosen by the agent, is a quarter of the target max (never fewer than now).
      - Applies to V(plan), V(prepare) and V(tune).
    type: int
  time_wait:
    description:
      - Target C(nf_conntrack_tcp_timeout_time_wait) in seconds (1..432000). Default, chosen by the agent, is
        60. A value above the current one keeps the current one.
      - Applies to V(plan), V(prepare) and V(tune).
    type: int
  memory_budget:
    description:
      - Kernel memory the table may use at its max, a share of RAM (V(2%)) or a size (V(1GiB), V(512MiB),
        V(2GB)). The agent's default is V(2%).
      - Applies to V(status), V(check), V(plan), V(prepare), V(tune) and V(guard) (shown against the memory at max
        by V(status) and V(check); the ceiling of V(guard)'s raises).
    type: str
  wait:
    description:
      - How long V(restore) waits for the table to drain below what the original max allows (a duration such
        as V(10m) or V(1h)); without it V(restore) fails with rc 75 while the table is too full.
      - The task blocks while waiting; use C(async) for long waits.
      - Applies to V(restore).
    type: str
  force:
    description:
      - V(prepare) and V(tune) accept an explicit O(max) or O(buckets) whose memory crosses the budget;
        V(restore) restores although the table holds more entries than the original max allows (new flows will
        be dropped).
      - Applies to V(prepare), V(tune) and V(restore).
    type: bool
    default: false
  discard:
    description:
      - Set the snapshot aside (renamed C(snapshot.discarded-TIME.json) beside it) without touching the kernel,
        for a stale snapshot taken in another boot or under another kernel, a corrupt one, or one that should no
        longer be restored.
      - Applies to V(restore).
    type: bool
    default: false
  remove:
    description:
      - Remove the files a previous V(persist) wrote instead of writing them (the live values are not touched).
      - Applies to V(persist).
    type: bool
    default: false
  persist:
    description:
      - Also write the persist files (C(/etc/sysctl.d/90-conntrack-guard.conf),
        C(/etc/modules-load.d/conntrack-guard.conf) and, on kernels whose bucket sysctl is read-only,
        C(/etc/modprobe.d/conntrack-guard.conf)) with the tuned values in the same run, as V(persist) does, all or
        nothing (a failure there undoes the kernel writes). The snapshot is then retired (a warning names it), so a
        later V(restore) has nothing to put back; V(persist) with O(remove=true) removes the files.
      - Applies to V(tune).
    type: bool
    default: false
  allow_partial:
    description:
      - Where some tunables are not writable (a non-initial network namespace, read-only C(/sys)), apply the
        writable ones (the per-namespace timeouts) and return the skipped ones as warnings, instead of failing
        with rc 77.
      - Applies to V(prepare), V(tune) and V(restore).
    type: bool
    default: false
  fail_on:
    description:
      - For V(check), fail the task when the verdict is at least this bad. V(critical) fails on CRITICAL or
        UNKNOWN, V(warning) on WARNING, CRITICAL or UNKNOWN, V(never) never fails on the verdict (agent
        errors still fail).
      - Applies to V(check).
    type: str
    default: critical
    choices: [critical, warning, never]
  counter_cache:
    description:
      - Where V(check) keeps the counters it saw, to judge their rise since the previous check of this boot
        (C(stats_increase)) rather than the totals since boot; under O(root). Default, chosen by the agent, is
        C(counters.json) in O(state_dir).
      - A monitoring user who cannot write O(state_dir) names a file of its own. When the file cannot be written,
        or the boot cannot be identified, V(check) says so in a warning and judges the totals since boot.
      - Applies to V(check).
    type: path
  netns:
    description:
      - For V(top), the network namespace to read, by its name under C(/run/netns), or V(all) for this one and every
        other with entries. Default, this namespace.
      - Applies to V(top).
    type: str
  limit:
    description:
      - For V(top), how many rows each top list returns (1..1000).
      - Applies to V(top).
    type: int
    default: 10
  notrack_candidates:
    description:
      - For V(top), further traffic to consider for NOTRACK advice besides the overlay tunnels and loopback, each
        as C(PROTO/PORT) (e.g. C(udp/5353)).
      - Applies to V(top).
    type: list
    elements: str
    default: []
  duration:
    description:
      - How long V(guard) watches (a duration such as V(2h)); it also ends earlier at V(guard_stop).
      - Applies to V(guard).
    type: str
    default: 2h
  interval:
    description:
      - Time between V(guard)'s samples of the table.
      - Applies to V(guard).
    type: str
    default: 1s
  trigger:
    description:
      - V(guard) raises once the fullest namespace is this full (a percentage such as V(70%)).
      - Applies to V(guard).
    type: str
    default: 70%
  lead:
    description:
      - V(guard) also raises once the recent insert rate would fill the table within this time.
      - Applies to V(guard).
    type: str
    default: 30s
  cooldown:
    description:
      - No two raises of V(guard) closer than this.
      - Applies to V(guard).
    type: str
    default: 30s
  max_chain:
    description:
      - V(guard) raises the buckets too when a full table at the new max would average more entries per bucket.
      - Applies to V(guard).
    type: str
    default: "8"
  max_stall:
    description:
      - V(guard) refuses (and says so) a bucket raise whose expected rehash stall at the current count is longer;
        the stall model is measured by C(bench/rehash.sh).
      - Applies to V(guard).
    type: str
    default: 50ms
  prometheus_file:
    description:
      - V(guard) rewrites its metrics to this file, atomically, every interval (a node_exporter textfile).
      - Applies to V(guard).
    type: path
  supervisor:
    description:
      - How V(guard) runs. V(none) runs it in the task, to its end (use C(async) with C(poll=0)); V(systemd) starts
        it as the transient unit O(unit) with C(systemd-run) and returns at once (C(changed=true)); it fails when
        that unit exists already.
      - Applies to V(guard).
    type: str
    default: none
    choices: [none, systemd]
  unit:
    description:
      - The transient unit's name with O(supervisor=systemd).
      - Applies to V(guard).
    type: str
    default: ctguard-guard
  stop_timeout:
    description:
      - How long V(guard_stop) waits for the guard to end (it ends between samples, after a raise in progress);
        still running then, the task fails with rc 75.
      - Applies to V(guard_stop).
    type: str
    default: 60s
  executable:
    description:
      - The C(ctguard) command on the managed node, run as is. The default is the launcher of the
        self-contained bundle, which brings its own Java runtime (the role's default install); the
        C(conntrack-guard) package also installs C(/usr/bin/ctguard).
      - Not used when O(jar) is set.
    type: path
    default: /opt/conntrack-guard/bin/ctguard
  installed_marker:
    description:
      - A file whose presence says the agent is installed as wanted (the role passes the marker its install
        leaves, named after the bundle's checksum). When it or the agent (O(executable), or O(jar)) is missing
        the module runs nothing and fails with C(agent_missing=true), so that the caller can install and retry
        without a separate stat task.
    type: path
  jar:
    description:
      - Run this agent jar with O(java) instead of O(executable), for a node that has its own Java 17 or
        newer (the role's C(conntrack_guard_install_method=jar)).
    type: path
  java:
    description:
      - With O(jar), the Java 17 (or newer) runtime to run it with, a command looked up on C(PATH) (and
        C(JAVA_HOME/bin)) or an absolute path.
    type: str
    default: java
  java_options:
    description:
      - With O(jar), JVM options placed before C(-jar). The defaults cut the agent's start-up time and
        resident memory by about 20% each (measured with C(bench/startup.sh)); the bundle's launcher sets its
        own. V(guard) also gets C(-Xmx32m) unless these set C(-Xmx); with the default heap its resident memory
        grows to 150 MiB in 10 minutes, capped it stays near 56 MiB (C(bench/guard.sh)).
    type: list
    elements: str
    default: ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xms8m"]
  state_dir:
    description:
      - Where the agent keeps its snapshot (C(snapshot.json)), V(guard)'s action log (C(guard.jsonl)) and, for
        V(check), the counter cache (C(counters.json)); absolute. Passed to V(check), V(prepare), V(tune), V(restore),
        V(persist), V(guard) and V(guard_stop) only.
    type: path
    default: /var/lib/conntrack-guard
  root:
    description:
      - A testing aid. Read and write C(/proc), C(/sys), C(/etc) and the state directory under this directory
        instead of C(/) (for example a copied kernel fixture tree). Passed to the agent only when not V(/).
    type: path
    default: /
  lock_timeout:
    description:
      - How long V(prepare), V(tune), V(restore) and V(persist) wait for another run's lock before failing with rc 75
        (a duration such as V(30s) or V(2m)); for V(guard), how long each raise waits (a raise that cannot get the
        lock is logged as V(raise_failed) and guard keeps watching). Accepted, and ignored, by the read-only actions.
    type: str
    default: 30s
requirements:
  - A Java 17 or newer runtime on the managed node (for example the C(openjdk-17-jre-headless) package)
  - The agent jar at O(jar) (C(java-agent/target/ctguard.jar), built by C(mvn package))
  - The C(nf_conntrack) kernel module loaded; root (C(become)) for V(prepare), V(tune), V(restore) and V(persist)
notes:
  - "Check mode: V(prepare), V(tune), V(restore) and V(persist) run with the agent's C(--dry-run): it computes the
    same plan, writes nothing (not even the snapshot or, for V(tune) with O(persist=true), the files), takes no lock
    and does not wait; C(changed) says whether the real run would change anything. V(status), V(check) and
    V(plan) are read-only and run as usual (V(check) still updates its counter cache, which is not a change)."
  - "Check mode: V(guard) starts nothing (C(changed) is true with O(supervisor=systemd), whose start is certain, and
    false with V(none), whose raises cannot be foreseen); V(guard_stop) signals nothing and returns the run so far."
  - "Diff mode: V(prepare), V(tune) and V(restore) return one C(name = value) line per tunable whose value changes
    (or would change, in check mode); V(persist) returns one diff per file it creates, updates or removes;
    V(tune) with O(persist=true) returns a list, the tunables' diff (when any changes) followed by the files'."
  - "O(fail_on) applies to the verdict of V(check) only (exit codes 0 to 3 of the agent). Any other agent
    failure (exit codes 64 and above) fails the task with the agent's own message and C(rc) set to its exit
    code: 64 usage, 65 bad data (corrupt snapshot, a target beyond the budget, value the kernel rejects),
    69 nf_conntrack not loaded, 70 internal error, 73 cannot write a file, 75 try again later (lock busy,
    table not drained), 77 permission (not root, read-only C(/proc/sys), global limit outside the initial
    network namespace)."
  - The agent reads site defaults from C(/etc/conntrack-guard/ctguard.yml) (or C($CTGUARD_CONFIG)); options
    set here are passed as flags and win over that file. O(state_dir) and O(lock_timeout) are always passed to
    the actions that use them.
  - "Since max 0 means no limit, C(usage.fill_ratio), C(usage.fullest_fill_ratio), C(usage.entries_per_bucket_at_max),
    C(memory.table_bytes_at_max), C(memory.table_bytes_worst) and a namespace's C(fill_ratio) are null when
    C(nf_conntrack_max) is 0 (C(usage.unlimited) is then true); guard expressions that use them."
  - The agent's warnings are returned as Ansible warnings.
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
    platforms: posix
seealso:
  - name: Netfilter conntrack sysctls
    description: The kernel's documentation of C(nf_conntrack_max), C(nf_conntrack_buckets) and the timeouts.
    link: https://docs.kernel.org/networking/nf_conntrack-sysctl.html
"""

EXAMPLES = r"""
# Ad hoc, from the controller:
#   ansible compute -m conntrack_guard -a action=check
#   ansible compute -b -m conntrack_guard -a 'action=prepare' --check --diff
#   ansible compute -b -m conntrack_guard -a 'action=tune' --check --diff

- name: Check conntrack headroom (fails on CRITICAL or UNKNOWN)
  conntrack_guard:
    action: check

- name: What fills the table in every namespace, and which traffic needs no tracking (read-only)
  conntrack_guard:
    action: top
    netns: all
    notrack_candidates: [udp/5353]
  register: top

- name: Check, failing on WARNING too
  conntrack_guard:
    action: check
    fail_on: warning

- name: Check without failing, and look at the verdict
  conntrack_guard:
    action: check
    fail_on: never
  register: ct

- name: Show the fill ratio (null when nf_conntrack_max is 0, no limit)
  ansible.builtin.debug:
    msg: >-
      {{ ct.verdict.status }}: {{ 'no limit' if ct.usage.unlimited
      else ((ct.usage.fill_ratio * 100) | round(1) | string) ~ '% of ' ~ ct.usage.max }}

- name: Counters that rose since the previous check (null on the first check of a boot)
  ansible.builtin.debug:
    msg: "{{ ct.stats_increase | default('no earlier check of this boot', true) }}"

- name: Check as a monitoring user that cannot write the state directory
  conntrack_guard:
    action: check
    counter_cache: /var/tmp/nagios/ctguard-counters.json

- name: Raise the limits before the upgrade
  become: true
  conntrack_guard:
    action: prepare
    memory_budget: 2%

- name: Raise to explicit values
  become: true
  conntrack_guard:
    action: prepare
    max: 4194304
    buckets: 1048576
    time_wait: 60

- name: Show what prepare would change, changing nothing
  become: true
  conntrack_guard:
    action: prepare
  check_mode: true
  diff: true

- name: Show what tune would change (max may go down to the budget ceiling), changing nothing
  become: true
  conntrack_guard:
    action: tune
  check_mode: true
  diff: true

- name: Balance an oversized table (max at the budget ceiling, buckets max/4, TIME_WAIT 60)
  become: true
  conntrack_guard:
    action: tune
  register: tuned

- name: Say what tune did
  ansible.builtin.debug:
    msg: "{{ tuned.plan['items'] | selectattr('changes') | map(attribute='reason') | list }}"

- name: Tune with a larger budget and keep the values across reboots in the same run
  become: true
  conntrack_guard:
    action: tune
    memory_budget: 4%
    persist: true

- name: Restore the originals after the upgrade, waiting up to 10 minutes for the table to drain
  become: true
  conntrack_guard:
    action: restore
    wait: 10m
  async: 900
  poll: 15

- name: Or keep the raised values across reboots
  become: true
  conntrack_guard:
    action: persist

- name: Remove the persisted files again
  become: true
  conntrack_guard:
    action: persist
    remove: true

- name: Guard the table during the window, in the background (see the role's conntrack_guard_guard)
  become: true
  conntrack_guard:
    action: guard
    duration: 2h
  async: 7500
  poll: 0
  register: guard_job

- name: Or as a transient systemd unit, where systemd runs
  become: true
  conntrack_guard:
    action: guard
    supervisor: systemd

- name: At the end of the window, stop it and show what it raised
  become: true
  conntrack_guard:
    action: guard_stop
  register: guard_run

- name: Say what guard did
  ansible.builtin.debug:
    msg: "{{ guard_run.guard.events | map(attribute='reason', default='') | select | list }}"
"""

RETURN = r"""
guard:
  description:
    - V(guard_stop) (and V(guard) with O(supervisor=none)) the guard's run. C(events) are its action log lines,
      oldest first, each with C(event) (V(start), V(raise), V(ceiling), V(raise_failed), V(end)), C(at) and the
      event's fields (a raise's C(max), C(buckets), C(reason)); the V(end) event has C(samples), C(raises),
      C(at_ceiling), C(max), C(drops_first), C(drops_last) and C(stopped).
    - V(guard_stop) also returns C(pid) (the guard found running, or null), C(was_running) and C(stopped).
    - With O(supervisor=systemd), V(guard) returns C(unit) instead.
  returned: for V(guard) and V(guard_stop)
  type: dict
  sample: {"pid": 4242, "was_running": true, "stopped": true, "events": [
           {"event": "start", "at": "2026-12-02T17:00:00Z", "pid": 4242, "max": 262144},
           {"event": "raise", "at": "2026-12-02T17:20:01Z", "max": 524288, "buckets": null,
            "reason": "71.0% full, at or above the trigger 70.0%; max 262144 -> 524288"},
           {"event": "end", "at": "2026-12-02T18:00:00Z", "samples": 3600, "raises": 1, "at_ceiling": false,
            "max": 524288, "drops_first": 0, "drops_last": 0, "stopped": true}]}
agent_missing:
  description: The O(installed_marker) file is missing; the agent was not run.
  returned: when O(installed_marker) is set and missing
  type: bool
  sample: true
cmd:
  description: The agent's command line (argument vector, run without a shell).
  returned: when the agent ran
  type: list
  elements: str
  sample: ["/usr/bin/java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xms8m", "-jar",
           "/opt/conntrack-guard/ctguard.jar", "prepare", "--json", "--lock-timeout", "30s",
           "--state-dir", "/var/lib/conntrack-guard"]
rc:
  description:
    - The agent's exit code. 0 on success; for O(action=check) the Nagios state (0 OK, 1 WARNING, 2 CRITICAL,
      3 UNKNOWN); 64 and above on failure.
  returned: when the agent ran
  type: int
  sample: 0
changed:
  description:
    - Whether the node changed, or in check mode would have changed; exactly the agent's C(changed).
    - For V(guard), whether it raised anything (with O(supervisor=systemd), that the unit was started); for
      V(guard_stop), whether it ended a running guard.
  returned: always
  type: bool
  sample: true
schema:
  description: The agent's JSON schema version.
  returned: when the agent printed its JSON result
  type: str
  sample: ctguard/v1
host:
  description: The node's hostname as the agent read it.
  returned: when the agent ran successfully
  type: str
  sample: vm
kernel:
  description: The kernel release.
  returned: when the agent ran successfully
  type: str
  sample: 6.18.44-fc-v657
action:
  description: The agent's action; V(persist-remove) for O(action=persist) with O(remove=true).
  returned: when the agent printed its JSON result
  type: str
  sample: prepare
dry_run:
  description: Whether nothing was written (check mode, or a read-only action).
  returned: when the agent ran successfully
  type: bool
  sample: false
network_namespace:
  description: The agent's network namespace, C(id) and C(initial) (true, false or null when unknown).
  returned: when the agent ran successfully
  type: dict
  sample: {"id": "net:[4026531833]", "initial": true}
tunables:
  description:
    - Every managed tunable (C(nf_conntrack_max), C(nf_conntrack_buckets) and each TCP and UDP timeout) with
      its value C(before) and C(after) the run, C(writable), and C(reason) when not writable.
  returned: when the agent ran successfully
  type: dict
  sample:
    nf_conntrack_max: {"before": 262144, "after": 1048576, "writable": true}
    nf_conntrack_buckets: {"before": 262144, "after": 262144, "writable": true}
    nf_conntrack_tcp_timeout_time_wait: {"before": 120, "after": 60, "writable": true}
usage:
  description:
    - The table's C(count), C(max), C(buckets), C(hashsize), C(unlimited) (max is 0), C(fill_ratio) (count/max),
      C(entries_per_bucket) (count/buckets), C(entries_per_bucket_at_max) (max/buckets), and the fullest network
      namespace's C(fullest_count), C(fullest_namespace) (null when it is the agent's own) and
      C(fullest_fill_ratio), as the node stands after the run.
    - C(fill_ratio), C(entries_per_bucket_at_max) and C(fullest_fill_ratio) are null when C(unlimited) is true.
  returned: when the agent ran successfully
  type: dict
  sample: {"count": 1000, "max": 262144, "buckets": 262144, "hashsize": 262144, "unlimited": false,
           "fill_ratio": 0.003815, "entries_per_bucket": 0.003815, "entries_per_bucket_at_max": 1.0,
           "fullest_count": 1000, "fullest_namespace": null, "fullest_fill_ratio": 0.003815}
namespaces:
  description:
    - The other network namespaces with entries, fullest first, each with C(id), C(name) (under C(/run/netns),
      or null), C(pid) (a process in it, or null), C(count) and C(fill_ratio) (count against the one global max;
      null when max is 0). Empty when there are none.
  returned: when the agent ran successfully
  type: list
  elements: dict
  sample: [{"id": "net:[4026532177]", "name": "qrouter-5d1c", "pid": 4242, "count": 5200, "fill_ratio": 0.019836}]
stats_note:
  description: Why C(stats) is null (the kernel has no C(/proc/net/stat/nf_conntrack)).
  returned: when the conntrack counters are unavailable
  type: str
  sample: >-
    /proc/net/stat/nf_conntrack is absent (kernel built without CONFIG_NF_CONNTRACK_PROCFS);
    'conntrack -S' reads them over netlink
stats:
  description:
    - The conntrack counters since boot summed over CPUs (C(drop), C(early_drop), C(insert_failed),
      C(search_restart), C(chain_too_long) (the kernel's C(chainlength) column), C(clash_resolved)
      (C(clashres)); null for a column the kernel lacks). Null, with C(stats_note), when
      C(/proc/net/stat/nf_conntrack) is absent.
  returned: when the agent ran successfully
  type: dict
  sample: {"drop": 41, "early_drop": 3, "insert_failed": 3, "search_restart": 271, "chain_too_long": 5,
           "clash_resolved": 5}
stats_increase:
  description:
    - V(check) only, how much each counter of C(stats) rose since the previous check of this boot and network
      namespace (read from O(counter_cache)), with C(since) (that check's time) and C(interval_seconds).
    - Null on the first check of a boot, when the cache cannot be read or written, and for the other actions;
      the verdict then judges the totals since boot.
  returned: when the agent ran successfully
  type: dict
  sample: {"drop": 16, "early_drop": 0, "insert_failed": 0, "search_restart": 0, "chain_too_long": 0,
           "clash_resolved": 0, "since": "2026-12-01T20:30:54.465788465Z", "interval_seconds": 300}
memory:
  description:
    - The memory model, C(ram_bytes), C(entry_bytes) and its C(entry_bytes_source), C(hash_bytes),
      C(table_bytes_now), C(table_bytes_at_max) (one full table), C(active_namespaces), C(table_bytes_worst)
      (every active namespace full), C(budget_bytes), C(budget) and C(over_budget) (one full table needs more
      than the budget, or max is 0).
    - C(table_bytes_at_max) and C(table_bytes_worst) are null when max is 0 (no limit, so no bound).
  returned: when the agent ran successfully
  type: dict
  sample: {"ram_bytes": 25325268992, "entry_bytes": 256, "entry_bytes_source": "slabinfo", "hash_bytes": 2097152,
           "table_bytes_now": 2353152, "table_bytes_at_max": 69206016, "active_namespaces": 1,
           "table_bytes_worst": 69206016, "budget_bytes": 506505379, "budget": "2% of RAM", "over_budget": false}
verdict:
  description:
    - The V(check) verdict, C(status) (OK, WARNING, CRITICAL or UNKNOWN), C(exit_code) and C(reasons), a list
      of C(status), C(code) and C(message). Null for the other actions.
    - C(code) is one of C(fill), C(chain_length), C(chain_length_at_max), C(table_full_log), C(drops),
      C(chain_too_long) (the kernel refused inserts into over-long chains), C(over_budget) (one full table
      needs more than O(memory_budget)), C(unlimited) (max is 0) and C(headroom) (the OK summary).
    - C(not_read) lists what the check could not read (C(kernel log), C(conntrack counters), C(counter baseline
      (drops judged since boot)), C(other namespaces), C(slab (entry size assumed))), for an agent run without
      root; empty when it read everything. What was not read is not judged.
  returned: when the agent ran successfully
  type: dict
  sample:
    status: WARNING
    exit_code: 1
    reasons:
      - status: WARNING
        code: drops
        message: >-
          drop counters rose since boot (no earlier check of this boot to compare with):
          drop=41 early_drop=3 insert_failed=3
    not_read: []
kernel_log:
  description:
    - V(check) only, the kernel log search for C(table full, dropping packet), C(readable), C(source),
      C(matches), C(last_at), C(since_seconds) and C(note). Null for the other actions.
  returned: when the agent ran successfully
  type: dict
  sample: {"readable": true, "source": "dmesg", "matches": 0, "last_at": null, "since_seconds": 3600, "note": null}
snapshot:
  description:
    - The snapshot of the original values, C(path), C(taken_at) and C(values) (original max, buckets and
      TIME_WAIT). Null when there is none.
  returned: when the agent ran successfully
  type: dict
  sample:
    path: /var/lib/conntrack-guard/snapshot.json
    taken_at: "2026-11-26T10:07:55.444498112Z"
    values: {"nf_conntrack_buckets": 262144, "nf_conntrack_max": 262144, "nf_conntrack_tcp_timeout_time_wait": 120}
plan:
  description:
    - V(plan), V(prepare) and V(tune), the targets and why, C(kind) (V(prepare), or V(tune) for O(action=tune)),
      C(targets) (name to value), C(items) (C(tunable), C(current), C(target), C(changes), C(reason)),
      C(ceiling), C(entry_bytes), C(bytes_at_target), C(bytes_at_current), C(budget_bytes), C(over_budget)
      (the targets cross the budget), C(node_over_budget) (today's max already needs more than the budget and
      this plan keeps it), C(balanced_max) (the max V(tune) would set) and C(for_other_node). Null for the other
      actions.
    - C(bytes_at_target) and C(bytes_at_current) are null when the max they are for is 0 (no limit).
  returned: when the agent ran successfully
  type: dict
  sample:
    kind: prepare
    targets: {"nf_conntrack_buckets": 262144, "nf_conntrack_max": 1048576, "nf_conntrack_tcp_timeout_time_wait": 60}
    items:
      - {"tunable": "nf_conntrack_max", "current": 262144, "target": 1048576, "changes": true,
         "reason": "largest power of two whose memory fits the budget of 483.0 MiB"}
    ceiling: 1048576
    entry_bytes: 256
    bytes_at_target: 270532608
    bytes_at_current: 69206016
    budget_bytes: 506505379
    over_budget: false
    node_over_budget: false
    balanced_max: 1048576
    for_other_node: false
tune_plan:
  description:
    - V(plan) only, the balanced sizing V(tune) would apply, in the same form as C(plan) with C(kind) V(tune);
      its C(nf_conntrack_max) target may be below the current one.
  returned: when O(action=plan)
  type: dict
  sample:
    kind: tune
    targets: {"nf_conntrack_buckets": 524288, "nf_conntrack_max": 2097152, "nf_conntrack_tcp_timeout_time_wait": 60}
    items:
      - {"tunable": "nf_conntrack_max", "current": 12262144, "target": 2097152, "changes": true,
         "reason": "the balanced max: largest power of two whose memory fits the budget of 1.3 GiB,
                    lower than today's: a smaller table that fits RAM"}
    ceiling: 2097152
    entry_bytes: 448
    bytes_at_target: 943718400
    bytes_at_current: 5493571584
    budget_bytes: 1349077975
    over_budget: false
    node_over_budget: false
    balanced_max: 2097152
    for_other_node: false
files:
  description:
    - V(persist), and V(tune) with O(persist=true), each file with C(path), C(action) (create, update, remove or
      unchanged), C(content) (after) and C(previous) (before; null where the file is absent).
  returned: when O(action=persist), or O(action=tune) with O(persist=true)
  type: list
  elements: dict
  sample:
    - path: /etc/sysctl.d/90-conntrack-guard.conf
      action: create
      content: |
        # Written by conntrack-guard (ctguard persist); undo with: ctguard persist --remove
        net.netfilter.nf_conntrack_buckets = 262144
        net.netfilter.nf_conntrack_max = 1048576
        net.netfilter.nf_conntrack_tcp_timeout_time_wait = 60
      previous: null
rollback:
  description:
    - After a write failed part-way, what was put back (C(undone), names of tunables or paths of files) and
      what could not be (C(failed)); check the latter by hand.
  returned: on failure after a partial write
  type: dict
  sample: {"undone": ["nf_conntrack_buckets"], "failed": []}
drift:
  description:
    - When V(restore) refused because someone changed a tunable since prepare or tune, each such tunable with
      its C(original) value, the values ctguard C(set), and the value C(now). Nothing was changed; O(force)
      restores the originals anyway. With C(--diff) the task's diff shows the same.
  returned: when restore found drift
  type: list
  elements: dict
  sample: [{"tunable": "nf_conntrack_max", "original": 262144, "set": [1048576], "now": 2097152}]
entries:
  description: V(top) only, the entries read (C(by_l3), C(by_l4proto), C(by_state), C(by_flag), C(by_zone), C(by_mark)
    and C(by_netns) count them by key; C(top_dport), C(top_src_prefix) and C(top_dst_prefix) list the largest).
  returned: for V(top), when the agent ran successfully
  type: int
  sample: 203117
malformed:
  description: V(top) only, the lines that did not parse, C(count) and the first C(lines) numbers.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"count": 0, "lines": []}
top_dport:
  description: V(top) only, the most frequent original destination ports, each C(proto), C(port) and C(count).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: dict
  sample: [{"proto": "udp", "port": 4789, "count": 88211}]
notrack:
  description:
    - V(top) only, the NOTRACK advice, never applied (C(applied) is false) - C(candidates) each with C(traffic),
      C(entries), C(share) and the C(nft) and C(iptables) rules exempting both directions; C(refused), traffic in
      Neutron's conntrack zones that a stateful security group tracks, with the C(alternative); and the C(caution).
  returned: for V(top), when the agent ran successfully
  type: dict
  sample:
    candidates:
      - traffic: VXLAN
        entries: 88211
        share: 0.4343
        nft: ["table inet ctguard_notrack {", "    chain prerouting {", "..."]
        iptables: ["iptables -t raw -A PREROUTING -p udp --dport 4789 -j CT --notrack", "..."]
    refused: []
    caution: "exempted flows have no conntrack state: ..."
    applied: false
sources:
  description: V(top) only, the tables read (namespace labels, or the saved list's name).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: str
  sample: ["/proc/net/nf_conntrack", "qrouter-5e1c"]
by_l3:
  description: V(top) only, entries per family, C(ipv4) and C(ipv6).
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"ipv4": 160000, "ipv6": 43117}
by_l4proto:
  description: V(top) only, entries per l4 protocol, largest first.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"tcp": 120000, "udp": 80000, "icmp": 3117}
by_state:
  description: V(top) only, TCP entries per state, largest first.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"ESTABLISHED": 60000, "TIME_WAIT": 40000}
by_flag:
  description: V(top) only, entries C(assured), C(unreplied) (evicted first when the table is full), C(offload) and C(hw_offload).
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"assured": 130000, "unreplied": 30000, "offload": 0, "hw_offload": 0}
top_src_prefix:
  description: V(top) only, the largest source prefixes (/24, /64), each C(prefix) and C(count).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: dict
  sample: [{"prefix": "10.0.3.0/24", "count": 5120}]
top_dst_prefix:
  description: V(top) only, the largest destination prefixes, as RV(top_src_prefix).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: dict
  sample: [{"prefix": "192.0.2.0/24", "count": 90000}]
by_zone:
  description: V(top) only, entries per conntrack zone (OVS and OVN map zones to networks and ports), largest first.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"0": 150000, "12": 4000}
by_mark:
  description: V(top) only, entries per mark, largest first.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"0": 200000}
by_netns:
  description: V(top) only, entries per namespace when several were read (O(netns=all)); empty otherwise.
  returned: for V(top), when the agent ran successfully
  type: dict
  sample: {"/proc/net/nf_conntrack": 100000, "qrouter-5e1c": 103117}
approximate:
  description: V(top) only, the lists with more distinct values than counted exactly (their counts are lower bounds).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: str
  sample: []
ovs_zone_limits:
  description: V(top) only, OVS's zone limits (C(default) and per zone), where C(ovs-appctl) is on the node.
  returned: for V(top), where OVS is present
  type: dict
  sample: {"default": 0, "12": 10000}
notes:
  description: V(top) only, what the counts mean (an unreplied majority, a large TIME_WAIT share, approximate lists).
  returned: for V(top), when the agent ran successfully
  type: list
  elements: str
  sample: ["40.0% of the TCP entries are in TIME_WAIT: ..."]
ctguard_warnings:

  description:
    - The agent's C(warnings) (skipped tunables, overriding sysctl files, an unreadable kernel log, unavailable
      counters or counter cache, the retired snapshot) as plain strings, for conditions in playbooks. They are
      also emitted as Ansible warnings so that they are displayed; the result key is renamed because Ansible reserves
      C(warnings).
  returned: always, when the agent printed its JSON result
  type: list
  elements: str
  sample: ["skipped nf_conntrack_max 262144 -> 1048576: global limit: read-only outside the initial network namespace"]
error:
  description: The agent's error, C(exit_code) and C(message) (also in C(msg) and C(rc)).
  returned: on failure, when the agent printed its JSON result
  type: dict
  sample:
    exit_code: 75
    message: >-
      another ctguard run holds the lock /var/lib/conntrack-guard/lock (waited 30s);
      retry when it has finished, or raise --lock-timeout
stderr:
  description: The agent's standard error.
  returned: on failure
  type: str
  sample: "ctguard prepare: another ctguard run holds the lock /var/lib/conntrack-guard/lock (waited 30s); ..."
"""

import copy
import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

ACTIONS = ('status', 'check', 'plan', 'top', 'prepare', 'tune', 'restore', 'persist', 'guard', 'guard_stop')
# The agent's command words of each action where they are not the action's name.
AGENT_COMMAND = dict(guard_stop=['guard', 'stop'])
# The actions that change the node: they get --dry-run in check mode, --state-dir and --lock-timeout.
CHANGING = ('prepare', 'tune', 'restore', 'persist')
# guard writes JSON lines, not one object: it has no --json, and the module reads its lines (interpret_guard).
DRY_RUN = CHANGING + ('guard_stop',)
TAKES_LOCK_TIMEOUT = CHANGING + ('guard',)
# The actions that keep files in the state directory: the changing ones, guard's and check (its counter cache).
USES_STATE_DIR = ('check',) + CHANGING + ('guard', 'guard_stop')
SYSTEMD_RUN = 'systemd-run'
# guard runs for hours: the bundle's launcher caps its heap so (bench/guard.sh), and so does a jar run here
GUARD_HEAP = '-Xmx32m'

DEFAULT_EXECUTABLE = '/opt/conntrack-guard/bin/ctguard'
DEFAULT_JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-Xms8m']

ARGUMENT_SPEC = dict(
    action=dict(type='str', required=True, choices=list(ACTIONS)),
    max=dict(type='int'),
    buckets=dict(type='int'),
    time_wait=dict(type='int'),
    memory_budget=dict(type='str'),
    wait=dict(type='str'),
    force=dict(type='bool', default=False),
    discard=dict(type='bool', default=False),
    remove=dict(type='bool', default=False),
    persist=dict(type='bool', default=False),
    allow_partial=dict(type='bool', default=False),
    fail_on=dict(type='str', default='critical', choices=['critical', 'warning', 'never']),
    counter_cache=dict(type='path'),
    netns=dict(type='str'),
    limit=dict(type='int', default=10),
    notrack_candidates=dict(type='list', elements='str', default=[]),
    duration=dict(type='str', default='2h'),
    interval=dict(type='str', default='1s'),
    trigger=dict(type='str', default='70%'),
    lead=dict(type='str', default='30s'),
    cooldown=dict(type='str', default='30s'),
    max_chain=dict(type='str', default='8'),
    max_stall=dict(type='str', default='50ms'),
    prometheus_file=dict(type='path'),
    supervisor=dict(type='str', default='none', choices=['none', 'systemd']),
    unit=dict(type='str', default='ctguard-guard'),
    stop_timeout=dict(type='str', default='60s'),
    executable=dict(type='path', default=DEFAULT_EXECUTABLE),
    installed_marker=dict(type='path'),
    jar=dict(type='path'),
    java=dict(type='str', default='java'),
    java_options=dict(type='list', elements='str', default=DEFAULT_JAVA_OPTIONS),
    state_dir=dict(type='path', default='/var/lib/conntrack-guard'),
    root=dict(type='path', default='/'),
    lock_timeout=dict(type='str', default='30s'),
)

# Parameters that only some actions take. Setting one (to a value other than its default) for another
# action is an error. executable, installed_marker, jar, java, java_options, state_dir, root and lock_timeout are
# accepted by every action.
APPLIES_TO = dict(
    max=('plan', 'prepare', 'tune'),
    buckets=('plan', 'prepare', 'tune'),
    time_wait=('plan', 'prepare', 'tune'),
    memory_budget=('status', 'check', 'plan', 'prepare', 'tune', 'guard'),
    wait=('restore',),
    force=('prepare', 'tune', 'restore'),
    discard=('restore',),
    remove=('persist',),
    persist=('tune',),
    allow_partial=('prepare', 'tune', 'restore'),
    fail_on=('check',),
    counter_cache=('check',),
    netns=('top',),
    limit=('top',),
    notrack_candidates=('top',),
    duration=('guard',),
    interval=('guard',),
    trigger=('guard',),
    lead=('guard',),
    cooldown=('guard',),
    max_chain=('guard',),
    max_stall=('guard',),
    prometheus_file=('guard',),
    supervisor=('guard',),
    unit=('guard',),
    stop_timeout=('guard_stop',),
)

# Flags passed with a value, in argv order: (parameter, flag, actions).
VALUE_FLAGS = (
    ('memory_budget', '--memory-budget', APPLIES_TO['memory_budget']),
    ('max', '--max', APPLIES_TO['max']),
    ('buckets', '--buckets', APPLIES_TO['buckets']),
    ('time_wait', '--time-wait', APPLIES_TO['time_wait']),
    ('wait', '--wait', APPLIES_TO['wait']),
    ('counter_cache', '--counter-cache', APPLIES_TO['counter_cache']),
    ('netns', '--netns', APPLIES_TO['netns']),
    ('limit', '--limit', APPLIES_TO['limit']),
    ('duration', '--duration', APPLIES_TO['duration']),
    ('interval', '--interval', APPLIES_TO['interval']),
    ('trigger', '--trigger', APPLIES_TO['trigger']),
    ('lead', '--lead', APPLIES_TO['lead']),
    ('cooldown', '--cooldown', APPLIES_TO['cooldown']),
    ('max_chain', '--max-chain', APPLIES_TO['max_chain']),
    ('max_stall', '--max-stall', APPLIES_TO['max_stall']),
    ('prometheus_file', '--prometheus-file', APPLIES_TO['prometheus_file']),
    ('stop_timeout', '--timeout', APPLIES_TO['stop_timeout']),
)
# Flags repeated once per element of a list parameter.
LIST_FLAGS = (
    ('notrack_candidates', '--notrack-candidate', APPLIES_TO['notrack_candidates']),
)
BOOL_FLAGS = (
    ('force', '--force', APPLIES_TO['force']),
    ('discard', '--discard', APPLIES_TO['discard']),
    ('allow_partial', '--allow-partial', APPLIES_TO['allow_partial']),
    ('remove', '--remove', APPLIES_TO['remove']),
    ('persist', '--persist', APPLIES_TO['persist']),
)

NAGIOS = {0: 'OK', 1: 'WARNING', 2: 'CRITICAL', 3: 'UNKNOWN'}
SEVERITY = {'OK': 0, 'WARNING': 1, 'CRITICAL': 2, 'UNKNOWN': 3}
FAIL_ON = {
    'critical': ('CRITICAL', 'UNKNOWN'),
    'warning': ('WARNING', 'CRITICAL', 'UNKNOWN'),
    'never': (),
}
# Keys AnsibleModule.fail_json/exit_json set themselves; an agent field of that name is dropped. (The agent's
# warnings stay in the result of interpret(); main() turns them into module.warn() calls.)
RESERVED = ('msg', 'failed', 'invocation', 'deprecations', 'exception')


def _is_set(params, name):
    value = params.get(name)
    return value is not None and value != ARGUMENT_SPEC[name].get('default')


def not_applicable(params):
    """One-line message naming each parameter set for an action that does not take it, else None."""
    action = params['action']
    wrong = ['%s (applies to %s)' % (name, ', '.join(actions))
             for name, actions in APPLIES_TO.items()
             if action not in actions and _is_set(params, name)]
    if not wrong:
        return None
    return 'action=%s does not take %s' % (action, '; '.join(wrong))


def build_argv(params, check_mode, java=None):
    """The agent's argument vector: [executable, command, --json, flags...], or with a jar
    [java, *java_options, -jar, jar, command, --json, flags...]; V(guard) with O(supervisor=systemd) is that
    vector under [systemd-run, --unit, UNIT, ..., --]."""
    action = params['action']
    if params.get('jar'):
        argv = [java or params['java']]
        options = params.get('java_options') or []
        argv.extend(options)
        if action == 'guard' and not any(o.startswith('-Xmx') for o in options):
            argv.append(GUARD_HEAP)
        argv.extend(['-jar', params['jar']])
    else:
        argv = [params['executable']]
    argv.extend(AGENT_COMMAND.get(action, [action]))
    if action != 'guard':
        argv.append('--json')
    for name, flag, actions in VALUE_FLAGS:
        if action in actions and params.get(name) is not None:
            argv.extend([flag, str(params[name])])
    for name, flag, actions in LIST_FLAGS:
        if action in actions:
            for value in params.get(name) or []:
                argv.extend([flag, str(value)])
    for name, flag, actions in BOOL_FLAGS:
        if action in actions and params.get(name):
            argv.append(flag)
    if action in DRY_RUN and check_mode:
        argv.append('--dry-run')
    if action in TAKES_LOCK_TIMEOUT and params.get('lock_timeout'):
        argv.extend(['--lock-timeout', params['lock_timeout']])
    if action in USES_STATE_DIR:
        argv.extend(['--state-dir', params['state_dir']])
    root = params.get('root')
    if root and os.path.normpath(root) not in ('/', '//'):
        argv.extend(['--root', root])
    if action == 'guard' and params.get('supervisor') == 'systemd':
        # --collect: a guard that failed leaves no unit behind to block the next start
        argv = [SYSTEMD_RUN, '--unit', params['unit'], '--collect', '--quiet',
                '--description', 'ctguard guard: conntrack headroom during the upgrade window', '--'] + argv
    return argv


def parse_agent_json(stdout):
    """The agent's one JSON object, or None when stdout is not one."""
    text = (stdout or '').strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _stderr_lines(stderr):
    return [line.strip() for line in (stderr or '').splitlines() if line.strip()]


def stderr_message(stderr):
    """The agent's own (last) error line on stderr, 'ctguard COMMAND: what happened; what to do', or None.

    Lines that are not the agent's (picocli's 'Try ... --help' hint, a --debug stack trace, the JVM's own
    start-up errors) are skipped; without an agent line the caller reports rc and the first stderr line.
    """
    own = [line for line in _stderr_lines(stderr) if line.startswith('ctguard')]
    return own[-1] if own else None


# How this module names the options the agent's messages refer to ({force} in the error's template): a task
# writer sets force=true, not --force. An option this module does not take keeps the agent's flag.
PARAMETER_SPELLING = dict(
    force='force=true', allow_partial='allow_partial=true', discard='discard=true',
    max='max', buckets='buckets', memory_budget='memory_budget', wait='wait', timeout='stop_timeout',
    max_chain='max_chain',
)
PLACEHOLDER = re.compile(r'\{([a-z_]+)\}')


def error_message(error):
    """The agent's error message in this module's terms: its template with each option named as a parameter."""
    template, flags = error.get('template'), error.get('options')
    if not isinstance(template, str) or not isinstance(flags, dict):
        return str(error['message'])

    def spell(match):
        name = match.group(1)
        return PARAMETER_SPELLING.get(name) or str(flags.get(name, match.group(0)))
    return PLACEHOLDER.sub(spell, template)


def verdict_failure(agent, rc, fail_on):
    """The failure message when the check verdict is at least as bad as fail_on, else None."""
    verdict = agent.get('verdict') or {}
    status = verdict.get('status') or NAGIOS.get(rc, 'UNKNOWN')
    if status not in FAIL_ON[fail_on]:
        return None
    reasons = [r for r in verdict.get('reasons') or [] if isinstance(r, dict) and r.get('message')]
    reasons.sort(key=lambda r: -SEVERITY.get(r.get('status'), 0))
    detail = '; '.join(r['message'] for r in reasons) or 'agent exit code %s' % rc
    return '%s: conntrack %s: %s' % (agent.get('host') or 'unknown host', status, detail)


def interpret(rc, stdout, stderr, params):
    """Maps the agent's exit code and output to (result, failure message or None)."""
    action = params['action']
    agent = parse_agent_json(stdout)
    result = {}
    if agent is not None:
        result.update((k, v) for k, v in agent.items() if k not in RESERVED)
    result['rc'] = rc
    result['changed'] = bool(agent.get('changed')) if agent is not None else False
    ok_codes = (0, 1, 2, 3) if action == 'check' else (0,)

    if agent is not None and rc in ok_codes and not agent.get('error'):
        if action == 'check':
            return result, verdict_failure(agent, rc, params.get('fail_on') or 'critical')
        return result, None

    result['stderr'] = stderr or ''
    error = agent.get('error') if agent is not None else None
    if isinstance(error, dict) and error.get('message'):
        return result, error_message(error)
    if rc not in ok_codes and stderr_message(stderr):
        if agent is None and (stdout or '').strip():
            result['stdout'] = stdout
        return result, stderr_message(stderr)
    lines = _stderr_lines(stderr)
    if agent is None and (stdout or '').strip():
        result['stdout'] = stdout
        what = 'its output is not one JSON object'
    elif agent is None:
        what = 'it printed nothing on stdout'
    else:
        what = 'its result is incomplete'
    return result, 'ctguard %s exited with rc %s but %s (stderr: %s)' % (
        action, rc, what, lines[0] if lines else 'empty')


def interpret_guard(rc, stdout, stderr, params):
    """V(guard)'s result: with systemd, the unit started; else its JSON lines read back into events, as
    V(guard_stop) returns them. (result, failure message or None)."""
    if params.get('supervisor') == 'systemd':
        result = {'rc': rc, 'changed': rc == 0, 'guard': {'unit': params['unit']}}
        if rc != 0:
            lines = _stderr_lines(stderr)
            result['stderr'] = stderr or ''
            return result, '%s --unit %s failed with rc %s: %s' % (SYSTEMD_RUN, params['unit'], rc, lines[0] if lines else 'no message')
        return result, None
    events = []
    for line in (stdout or '').splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and 'event' in event:
            events.append(event)
    ended = bool(events) and events[-1].get('event') == 'end'
    result = {'rc': rc, 'changed': any(e['event'] == 'raise' for e in events), 'action': 'guard', 'guard': {'events': events}}
    if rc == 0 and ended:
        return result, None
    result['stderr'] = stderr or ''
    message = stderr_message(stderr)
    if message:
        return result, message
    lines = _stderr_lines(stderr)
    return result, 'ctguard guard exited with rc %s without its end line (stderr: %s)' % (rc, lines[0] if lines else 'empty')


def _tunable_lines(tunables, key, names):
    return ''.join('%s = %s\n' % (name, tunables[name].get(key)) for name in names)


def _tunables_diff(result):
    tunables = result.get('tunables') or {}
    names = [name for name, t in tunables.items()
             if isinstance(t, dict) and t.get('before') != t.get('after')]
    return {'before': _tunable_lines(tunables, 'before', names),
            'after': _tunable_lines(tunables, 'after', names)}


def _files_diff(result):
    return [{'before_header': f.get('path'), 'after_header': f.get('path'),
             'before': f.get('previous') or '', 'after': f.get('content') or ''}
            for f in result.get('files') or []
            if isinstance(f, dict) and f.get('action') != 'unchanged']


def drift_diff(drift):
    """A refused restore's drift: what ctguard set (before) against what someone else set since (after)."""
    entries = [d for d in drift if isinstance(d, dict)]
    return {'before_header': 'set by ctguard (original in the snapshot)', 'after_header': 'now (changed by someone else)',
            'before': ''.join('%s = %s  # original %s\n' % (d.get('tunable'), ', '.join(str(v) for v in d.get('set') or []) or 'never set',
                                                            d.get('original')) for d in entries),
            'after': ''.join('%s = %s\n' % (d.get('tunable'), d.get('now')) for d in entries)}


def make_diff(result, action):
    """Diff of the tunables (prepare, tune, restore) or of the files (persist); for tune with files (persist=true)
    a list, the tunables' diff when any changed, then the files'. None for read-only actions."""
    if action in ('prepare', 'tune', 'restore'):
        diff = _tunables_diff(result)
        if action == 'tune' and isinstance(result.get('files'), list):
            return ([diff] if diff['before'] or diff['after'] else []) + _files_diff(result)
        return diff
    if action == 'persist':
        return _files_diff(result)
    return None


def java_missing(java):
    return ("Java runtime '%s' not found on the managed node (looked on PATH, JAVA_HOME/bin and the sbin "
            "directories) or not executable: install a Java 17+ runtime (e.g. openjdk-17-jre-headless, or "
            "java-17-openjdk-headless on RHEL), set conntrack_guard_install_java: true in the role, or point the "
            "java option at a java binary" % java)


def jar_missing(jar):
    return ("ctguard jar %s not found: run the role's install entry point with conntrack_guard_install_method: jar "
            "or copy java-agent/target/ctguard.jar (built by mvn package) there" % jar)


def executable_missing(executable):
    return ("ctguard not found at %s (or not executable): install it with the role's install entry point "
            "(ansible.builtin.include_role: name=conntrack_guard tasks_from=install), the conntrack-guard "
            "package, or the bundle built by make dist; or set jar to run a bare jar with a Java 17 runtime" % executable)


def find_java(module, java):
    opt_dirs = []
    if os.environ.get('JAVA_HOME'):
        opt_dirs.append(os.path.join(os.environ['JAVA_HOME'], 'bin'))
    path = module.get_bin_path(java, opt_dirs=opt_dirs)
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return None


def main():
    module = AnsibleModule(argument_spec=copy.deepcopy(ARGUMENT_SPEC), supports_check_mode=True)
    params = module.params

    wrong = not_applicable(params)
    if wrong:
        module.fail_json(msg=wrong)

    marker = params.get('installed_marker')
    if marker:
        # the marker alone is not enough: its files may have gone since (a package purged over the bundle)
        agent = params.get('jar') or params['executable']
        for needed in (marker, agent):
            if not os.path.exists(needed):
                module.fail_json(msg='the agent is not installed as wanted: %s is missing' % needed, agent_missing=True)

    java = None
    missing = []
    if params.get('jar'):
        java = find_java(module, params['java'])
        if java is None:
            missing.append(java_missing(params['java']))
        if not (os.path.isfile(params['jar']) and os.access(params['jar'], os.R_OK)):
            missing.append(jar_missing(params['jar']))
    elif not (os.path.isfile(params['executable']) and os.access(params['executable'], os.X_OK)):
        missing.append(executable_missing(params['executable']))
    if missing:
        module.fail_json(msg='; '.join(missing))

    argv = build_argv(params, module.check_mode, java=java)
    if params['action'] == 'guard' and module.check_mode:
        module.exit_json(changed=params['supervisor'] == 'systemd', cmd=argv, msg='check mode: guard not started')
    if argv[0] == SYSTEMD_RUN:
        argv[0] = module.get_bin_path(SYSTEMD_RUN, required=True)
    rc, stdout, stderr = module.run_command(argv, environ_update={'NO_COLOR': '1'})
    if params['action'] == 'guard':
        result, failure = interpret_guard(rc, stdout, stderr, params)
    else:
        result, failure = interpret(rc, stdout, stderr, params)
    result['cmd'] = argv

    result['ctguard_warnings'] = [str(w) for w in result.pop('warnings', None) or []]
    for warning in result['ctguard_warnings']:
        module.warn(warning)
    if module._diff and failure is None:
        diff = make_diff(result, params['action'])
        if diff is not None:
            result['diff'] = diff
    elif module._diff and result.get('drift'):
        result['diff'] = drift_diff(result['drift'])
    if failure is not None:
        module.fail_json(msg=failure, **result)
    # check exits 1-3 for its verdict; without failed=False Ansible treats any non-zero rc as a failure
    module.exit_json(failed=False, **result)


if __name__ == '__main__':
    main()
