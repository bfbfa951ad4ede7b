package ctguard.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.ActionFailedException;
import ctguard.core.ChangeRequest;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.KernelWriteException;
import ctguard.core.PlanRequest;
import ctguard.core.Prepare;
import ctguard.core.Tunables;
import ctguard.core.Waiter;
import ctguard.io.FileNodeLock;
import ctguard.io.FileSnapshotStore;
import ctguard.io.NodeDir;
import ctguard.io.Fixtures;
import ctguard.io.ProcfsKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

/** A write refused half-way through prepare, on the real io stack: earlier writes are undone and reported. */
class RollbackTest {
    @TempDir
    Path root;

    @Test
    void aRefusedTimeWaitWriteRollsBackBucketsAndMaxAndTheJsonSaysSo() throws Exception {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Path netfilter = root.resolve("proc/sys/net/netfilter");
        String maxBefore = Files.readString(netfilter.resolve(Tunables.MAX));
        String bucketsBefore = Files.readString(netfilter.resolve(Tunables.BUCKETS));
        ProcfsKernel kernel = spy(new ProcfsKernel(root));
        doThrow(new KernelWriteException(Tunables.TIME_WAIT, ExitCode.NO_PERMISSION, "Operation not supported", null))
                .when(kernel).write(eq(Tunables.TIME_WAIT), anyLong());
        Path state = root.resolve("var/lib/conntrack-guard");
        Prepare prepare = new Prepare(kernel, new FileSnapshotStore(state, "/var/lib/conntrack-guard", new NodeDir(state)),
                new FileNodeLock(new NodeDir(state)), Waiter.SYSTEM);
        PlanRequest request = new PlanRequest(null, 524288L, null, PlanRequest.defaults().budget(), 0.1);

        ActionFailedException e = assertThrows(ActionFailedException.class,
                () -> prepare.run(new ChangeRequest(request, false, false, false, Duration.ofSeconds(1))));

        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertEquals(maxBefore, Files.readString(netfilter.resolve(Tunables.MAX)));
        assertEquals(bucketsBefore, Files.readString(netfilter.resolve(Tunables.BUCKETS)));
        assertFalse(Files.exists(state.resolve("snapshot.json")), "the snapshot this run took is gone with its changes");
        JsonObject json = JsonParser.parseString(JsonRenderer.error("prepare", e.partialResult(), e.exitCode(), null, e.getMessage())).getAsJsonObject();
        assertEquals("[\"nf_conntrack_max\",\"nf_conntrack_buckets\"]", json.getAsJsonObject("rollback").getAsJsonArray("undone").toString());
        assertEquals(77, json.getAsJsonObject("error").get("exit_code").getAsInt());
        assertFalse(json.get("changed").getAsBoolean());
        assertTrue(json.getAsJsonObject("error").get("message").getAsString().contains("rolled back"));
    }
}
