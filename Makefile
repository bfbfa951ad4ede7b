# conntrack-guard: `make run` checks this node, `make test` runs every test.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAR := java-agent/target/ctguard.jar
JAVA_SOURCES := $(shell find java-agent/src/main -type f) pom.xml java-agent/pom.xml
VERSION := $(shell sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml)
BUNDLE := dist/conntrack-guard-$(VERSION)-linux-x86_64.tar.gz
VENV := .venv
VENV_READY := $(VENV)/.installed
# the Ansible tools run from the venv with the project's ansible.cfg
ANSIBLE_ENV := PATH=$(CURDIR)/$(VENV)/bin:$$PATH ANSIBLE_CONFIG=$(CURDIR)/ansible.cfg
ARGS ?=

.PHONY: run build dist dist-test collection sanity test test-java test-module lint monitoring top-kernel guard-kernel molecule adhoc reproduce faults deps venv bench clean

## run: build the agent if needed and check this node's conntrack headroom (exit code = Nagios verdict)
run: $(JAR)
	java -jar $(JAR) check $(ARGS)

## build: the runnable jar java-agent/target/ctguard.jar
build: $(JAR)

$(JAR): $(JAVA_SOURCES)
	$(MVN) package -DskipTests

## dist: the node bundle (jlink'd runtime, jar, bin/ctguard, start-up archive list, man page, completion)
## as dist/conntrack-guard-VERSION-linux-x86_64.tar.gz, plus a .deb and an .rpm of it (packaging/dist.sh)
dist: $(BUNDLE)

$(BUNDLE): $(JAR) $(wildcard packaging/*) packaging/deb/control packaging/deb/postinst packaging/deb/prerm LICENSE
	$(MAKE) -s deps
	packaging/dist.sh

## dist-test: the bundle and packages checked as a node gets them (packaging/test-dist.sh)
dist-test: dist
	packaging/test-dist.sh

## collection: the Ansible collection ctguard.conntrack_guard (module and role) as dist/ctguard-conntrack_guard-VERSION.tar.gz
collection: $(VENV_READY)
	$(ANSIBLE_ENV) ansible-galaxy collection build --force --output-path dist

## sanity: ansible-test sanity on the collection as built (scripts/ansible-test-sanity.sh)
sanity:
	scripts/ansible-test-sanity.sh

## test: every test: Java unit and real-kernel integration tests, the module's tests, lint, the
## documented ad hoc command, the molecule scenarios on the real kernel, and the node bundle and packages
test: test-java test-module lint sanity monitoring adhoc molecule reproduce faults top-kernel guard-kernel dist-test

# not quiet: the Surefire and Failsafe summaries are the record of what ran
# the venv first: the inventory tests compare the YAML reader with the real ansible-inventory
test-java: deps $(VENV_READY)
	mvn -B -ntp verify

test-module: $(VENV_READY) $(JAR)
	$(ANSIBLE_ENV) $(VENV)/bin/pytest -q tests/module

lint: $(VENV_READY)
	$(ANSIBLE_ENV) yamllint -s .
	$(ANSIBLE_ENV) ansible-lint

## monitoring: the files of monitoring/ loaded by the real tools: promtool (metrics, rules and their unit
## tests), Nagios Core running the command definitions, Icinga 2, visudo, NRPE, a non-root check
## (tests/monitoring/run.sh; read-only for the kernel)
monitoring: $(JAR) deps
	tests/monitoring/run.sh

## adhoc: what the README shows on this machine: the check playbook (which installs the agent to
## /opt/conntrack-guard), then the ad hoc module call; read-only for the kernel
adhoc: $(VENV_READY) $(BUNDLE)
	$(ANSIBLE_ENV) ansible-playbook -i inventories/local ansible/playbooks/check.yml -e conntrack_guard_fail_on=never
	@# the verdict is this machine's own (a table-full line in the last hour makes it CRITICAL, which
	@# fails the host under the default fail_on); either way the module must return the agent's result
	@out=$$($(ANSIBLE_ENV) ansible -i inventories/local all -m conntrack_guard -a action=check 2>&1); rc=$$?; \
	echo "$$out"; \
	[[ $$out == *'schema: ctguard/v1'* ]] && { [[ $$rc == 0 ]] || [[ $$rc == 2 && $$out == *'conntrack CRITICAL'* ]]; }
	@# the check playbook's top report: every node's ctguard top result in one file on the controller
	@report=$$(mktemp /tmp/ctguard-top-report.XXXXXX.json); trap 'rm -f "$$report"' EXIT; \
	$(ANSIBLE_ENV) ansible-playbook -i inventories/local ansible/playbooks/check.yml -e conntrack_guard_fail_on=never \
	    -e conntrack_guard_top_report="$$report" -e conntrack_guard_top_netns=all > /dev/null && \
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); t = r["localhost"]; assert t["schema"] == "ctguard-top/v1" and t["changed"] is False and "entries" in t and t["notrack"]["applied"] is False, r; print("top report:", sys.argv[1], "localhost", t["entries"], "entries")' "$$report"

molecule: $(VENV_READY) $(JAR) $(BUNDLE) deps
	$(ANSIBLE_ENV) scripts/with-saved-tunables.sh molecule test --all

## reproduce: a real "table full" in a throw-away namespace, detected by check, ended by prepare,
## undone by restore once drained (scripts/reproduce-table-full.sh; every tunable put back)
reproduce: $(JAR) deps
	scripts/with-saved-tunables.sh scripts/reproduce-table-full.sh

## faults: prepare, tune and restore killed at each write and failed with injected errors (strace), each
## followed by a rerun and a restore that must leave the originals byte-identical (scripts/fault-injection.sh)
faults: $(JAR) deps
	scripts/with-saved-tunables.sh scripts/fault-injection.sh

## top-kernel: ctguard top in two throw-away namespaces on the real kernel: counts as /proc does, --netns all,
## and the printed VXLAN nft ruleset really exempts both directions (tests/top/real-kernel.sh)
top-kernel: $(JAR) deps
	tests/top/real-kernel.sh

## guard-kernel: ctguard guard against rising TCP load in a throw-away namespace under a lowered max: raises
## before any drop within the budget, says so at the ceiling, stops on SIGTERM, restore undoes it
## (tests/guard/real-kernel.sh; every tunable put back)
guard-kernel: $(JAR) deps
	scripts/with-saved-tunables.sh tests/guard/real-kernel.sh

## venv: the pinned Python tools of requirements.txt in .venv
venv: $(VENV_READY)

$(VENV_READY): requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

## deps: the Debian packages the scenarios need, when missing (root)
deps:
	@missing=(); \
	command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || missing+=(openssh-server); \
	command -v nft >/dev/null || [ -x /usr/sbin/nft ] || missing+=(nftables); \
	command -v ip >/dev/null || missing+=(iproute2); \
	command -v strace >/dev/null || missing+=(strace); \
	command -v rpmbuild >/dev/null || missing+=(rpm); \
	command -v dpkg-scanpackages >/dev/null || missing+=(dpkg-dev); \
	command -v fakeroot >/dev/null || missing+=(fakeroot); \
	command -v conntrack >/dev/null || [ -x /usr/sbin/conntrack ] || missing+=(conntrack); \
	command -v promtool >/dev/null || missing+=(prometheus); \
	command -v prometheus-node-exporter >/dev/null || missing+=(prometheus-node-exporter); \
	command -v nagios4 >/dev/null || [ -x /usr/sbin/nagios4 ] || missing+=(nagios4-core); \
	command -v icinga2 >/dev/null || [ -x /usr/sbin/icinga2 ] || missing+=(icinga2-bin); \
	command -v visudo >/dev/null || [ -x /usr/sbin/visudo ] || missing+=(sudo); \
	command -v setpriv >/dev/null || missing+=(util-linux); \
	command -v logger >/dev/null || missing+=(bsdutils); \
	if (( $${#missing[@]} )); then \
	    echo "installing $${missing[*]}"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$${missing[@]}"; \
	fi

## bench: start-up time and memory against a bare JVM, the namespace scan, the memory model, fleet speed
bench: $(JAR) $(BUNDLE) deps
	bench/startup.sh
	bench/namespaces.sh
	bench/memory-model.sh
	bench/fleet.sh
	bench/ansible.sh
	bench/top.sh
	bench/rehash.sh
	bench/guard.sh

clean:
	$(MVN) clean
	rm -rf $(VENV) .venv-sanity dist
