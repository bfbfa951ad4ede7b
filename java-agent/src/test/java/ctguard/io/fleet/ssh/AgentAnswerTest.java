package ctguard.io.fleet.ssh;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.Check;
import ctguard.core.CheckPolicy;
import ctguard.core.CounterHistory;
import ctguard.core.Kernel;
import ctguard.core.MemoryBudget;
import ctguard.core.Status;
import ctguard.core.Waiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A remote agent's answer is validated like a local read and judged here: a host cannot forge its verdict. */
class AgentAnswerTest {
    /** A real agent's check --json, recorded for the module's tests: 239000 of 262144 entries, CRITICAL. */
    private static String recorded(String name) throws IOException {
        Path module = Path.of(System.getProperty("basedir", "."), "..", "tests", "module", "fixtures", name + ".json").normalize();
        return Files.readString(module);
    }

    private static Status judged(String json) {
        AgentAnswer.Figures f = AgentAnswer.parse("node", json);
        return new Check(Kernel.readOnly(f.node()), since -> f.log(), CounterHistory.NONE, Waiter.SYSTEM)
                .run(new Check.Options(CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, Duration.ZERO)).verdict().status();
    }

    @Test
    void aRealAnswerIsJudgedHereAndItsOwnVerdictIsIgnored() throws IOException {
        String critical = recorded("check-critical");
        assertEquals(Status.CRITICAL, judged(critical));
        JsonObject forged = JsonParser.parseString(critical).getAsJsonObject();
        forged.getAsJsonObject("verdict").addProperty("status", "OK");
        forged.getAsJsonObject("verdict").addProperty("exit_code", 0);
        assertEquals(Status.CRITICAL, judged(forged.toString()), "the numbers decide, not the host's claim");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "[]",
            "not json",
            "{\"schema\":\"ctguard/v1\",\"verdict\":{\"status\":\"OK\"}}",
            "{\"schema\":\"ctguard/v2\"}"})
    void anIncompleteOrForeignAnswerIsThatHostsBadOutput(String json) {
        SshException e = assertThrows(SshException.class, () -> AgentAnswer.parse("node", json));
        assertEquals(SshException.Kind.BAD_OUTPUT, e.kind());
        assertTrue(e.getMessage().startsWith("the ctguard agent's answer from node is invalid"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"count\":239000=>\"count\":-5", "\"ram_bytes\":25325268992=>\"ram_bytes\":0",
            "\"ram_bytes\":25325268992=>\"ram_bytes\":9223372036854775807", "\"count\":239000=>\"count\":\"lots\"",
            "\"count\":239000=>\"count\":1.5"})
    void impossibleValuesAreRefusedNotJudged(String edit) throws IOException {
        String[] change = edit.split("=>");
        String json = recorded("check-critical");
        assertTrue(json.contains(change[0]), change[0]);
        SshException e = assertThrows(SshException.class, () -> AgentAnswer.parse("node", json.replace(change[0], change[1])));
        assertEquals(SshException.Kind.BAD_OUTPUT, e.kind(), e.getMessage());
    }

    @Test
    void theAgentsOwnErrorIsReportedAsItsFailure() {
        SshException e = assertThrows(SshException.class, () -> AgentAnswer.parse("node",
                "{\"schema\":\"ctguard/v1\",\"action\":\"check\",\"error\":{\"exit_code\":69,\"message\":\"nf_conntrack is not loaded\\u001b[2J\"}}"));
        assertEquals(SshException.Kind.COMMAND_FAILED, e.kind());
        assertTrue(e.getMessage().endsWith("nf_conntrack is not loaded\\x1b[2J"), e.getMessage());
    }
}
