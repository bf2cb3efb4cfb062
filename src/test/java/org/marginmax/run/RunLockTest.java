package org.marginmax.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The writer lock inside one JVM: a second attempt is refused (OverlappingFileLockException), release frees it. */
class RunLockTest {
    @TempDir Path dir;

    @Test void aSecondLockInTheSameJvmIsRefusedNamingTheHolder() {
        try (RunLock first = RunLock.acquire(dir)) {
            RunLock.Holder h = RunLock.holder(dir).orElseThrow();
            assertThat(h.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(h.aliveHere()).isTrue();
            assertThatThrownBy(() -> RunLock.acquire(dir)).isInstanceOf(RunLock.LockedException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining(h.host()).hasMessageContaining(h.started());
        }
        assertThat(Files.exists(dir.resolve(RunLock.HOLDER_FILE))).as("holder file removed on release").isFalse();
        try (RunLock again = RunLock.acquire(dir)) {
            assertThat(RunLock.holder(dir)).isPresent();
        }
    }

    @Test void aHolderRecordOfADeadProcessIsNotAlive() throws Exception {
        Process p = new ProcessBuilder("sleep", "0").start();
        p.waitFor();
        RunLock.Holder dead = new RunLock.Holder(p.pid(), Provenance.hostName(), "2000-01-01T00:00:00Z", null, null, null);
        assertThat(dead.aliveHere()).isFalse();
        RunLock.Holder elsewhere = new RunLock.Holder(ProcessHandle.current().pid(), "another-host", null, null, null, null);
        assertThat(elsewhere.aliveHere()).isFalse();
    }

    @Test void theMountOfADirectoryIsNamed() {
        assertThat(RunLock.mountOf(dir)).contains("mounted at /");
    }
}
