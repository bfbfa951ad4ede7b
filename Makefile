# conntrack-guard: `make run` checks this node, `make test` runs every test.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAR := java-agent/target/ctguard.jar
JAVA_SOURCES := $(shell find java-agent/src/main -type f) pom.xml java-agent/pom.xml
ARGS ?=

.PHONY: run build test test-java bench clean

## run: build the agent if needed and check this node's conntrack headroom (exit code = Nagios verdict)
run: $(JAR)
	java -jar $(JAR) check $(ARGS)

## build: the runnable jar java-agent/target/ctguard.jar
build: $(JAR)

$(JAR): $(JAVA_SOURCES)
	$(MVN) package -DskipTests

## test: every test: unit tests, then integration tests on the real kernel (root)
test: test-java

# not quiet: the Surefire and Failsafe summaries are the record of what ran
test-java:
	mvn -B -ntp verify

## bench: start-up time and memory against a bare JVM
bench: $(JAR)
	bench/startup.sh

clean:
	$(MVN) clean
