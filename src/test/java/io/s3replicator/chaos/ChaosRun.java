package io.s3replicator.chaos;

import io.s3replicator.testing.RequestCounts;
import io.s3replicator.testing.WorkerProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Crash and restart: starts the replicator as a process, waits until it has begun writing to
 * the destination, lets it run for a random while, SIGKILLs it, starts the next one; then one
 * final process runs to the end. Every process logs each S3 attempt as it is sent
 * ({@link RequestCounts#LOG_PROPERTY}), so what a killed process sent is known, and
 * {@link #analyse} tells which writes were sent again after each kill.
 */
final class ChaosRun {
    /** Starts process number {@code index} in {@code dir} with these extra JVM arguments. */
    interface Starter {
        WorkerProcess start(int index, Path dir, List<String> jvmArgs) throws IOException;
    }

    /** One process: how long it ran before its first write and in all, and whether it was killed. */
    record Life(int index, Path dir, boolean killed, long firstWriteMillis, long millis) {
        Path log() {
            return dir.resolve("requests.log");
        }
    }

    private final Path work;
    private final String destinationBucket;
    private final Random random;
    private final Starter starter;
    private final List<Life> lives = new ArrayList<>();
    private long startNanos;
    private long endNanos;

    ChaosRun(Path work, String destinationBucket, Random random, Starter starter) {
        this.work = work;
        this.destinationBucket = destinationBucket;
        this.random = random;
        this.starter = starter;
    }

    /**
     * Starts {@code kills} processes one after another; each is killed with SIGKILL a random
     * {@code minMillis..maxMillis} after its first write to the destination. A process that ends
     * by itself before its kill fails the run: the kills must land while work is in progress.
     *
     * @param slowDown JVM arguments of the processes to be killed (part and put delays, JIT)
     */
    void killRepeatedly(int kills, List<String> slowDown, long minMillis, long maxMillis) throws Exception {
        startNanos = System.nanoTime();
        for (int k = 0; k < kills; k++) {
            long delay = minMillis + (long) (random.nextDouble() * (maxMillis - minMillis));
            int index = lives.size();
            Path dir = work.resolve("process-%02d".formatted(index));
            long t0 = System.nanoTime();
            WorkerProcess p = start(index, dir, slowDown);
            long firstWrite = awaitFirstWrite(p, dir, t0);
            long killAt = firstWrite + delay;
            while (millisSince(t0) < killAt) {
                if (!p.isAlive()) {
                    throw new AssertionError("process " + index + " ended by itself " + millisSince(t0)
                            + " ms after its start, before its kill at " + killAt + " ms: there was not enough work"
                            + " left for " + kills + " kills (slow the run with part/put delays)\n" + p.output());
                }
                Thread.sleep(5);
            }
            p.kill();
            lives.add(new Life(index, dir, true, firstWrite, millisSince(t0)));
            System.err.printf(Locale.ROOT, "chaos: killed process %d %d ms after its first write (%d ms after its start)%n",
                    index, delay, killAt);
        }
    }

    /**
     * Starts the last process (without delays) and waits until {@code done} says the work is
     * finished (for {@code sync}: it exited), then stops it gracefully.
     *
     * @return the final process, stopped
     */
    WorkerProcess finish(List<String> jvmArgs, Predicate<WorkerProcess> done, long timeoutSeconds) throws Exception {
        int index = lives.size();
        Path dir = work.resolve("process-%02d".formatted(index));
        long t0 = System.nanoTime();
        WorkerProcess p = start(index, dir, jvmArgs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!done.test(p)) {
            if (System.nanoTime() > deadline) {
                // Stopped, not failed here: the checks that follow say what is missing.
                List<String> lines = p.output().lines().toList();
                System.err.printf("chaos: the final process did not finish within %d s; its last lines:%n%s%n",
                        timeoutSeconds, String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
                break;
            }
            Thread.sleep(200);
        }
        p.close();
        endNanos = System.nanoTime();
        lives.add(new Life(index, dir, false, -1, millisSince(t0)));
        return p;
    }

    /** From the first start to the end of the final process. */
    double wallSeconds() {
        return (endNanos - startNanos) / 1e9;
    }

    List<Life> lives() {
        return lives;
    }

    private WorkerProcess start(int index, Path dir, List<String> jvmArgs) throws IOException {
        List<String> args = new ArrayList<>(jvmArgs);
        args.add("-D" + RequestCounts.LOG_PROPERTY + "=" + dir.resolve("requests.log"));
        return starter.start(index, dir, args);
    }

    /** Milliseconds from {@code t0} to the process's first write to the destination. */
    private long awaitFirstWrite(WorkerProcess p, Path dir, long t0) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (RequestCounts.readLog(dir.resolve("requests.log")).stream().noneMatch(this::isWrite)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.kill();
                throw new AssertionError("process in " + dir + " wrote nothing to the destination ("
                        + (p.isAlive() ? "timeout" : "it exited") + "):\n" + p.output());
            }
            Thread.sleep(20);
        }
        return millisSince(t0);
    }

    private boolean isWrite(RequestCounts.Entry e) {
        return destinationBucket.equals(e.bucket()) && Set.of("PutObject", "UploadPart", "CreateMultipartUpload",
                "CompleteMultipartUpload").contains(e.operation());
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * What each process sent to the destination, and what was sent again after it was killed.
     *
     * @param createsWithoutParts uploads it started (CreateMultipartUpload) and sent no part to
     */
    record Sent(int puts, int parts, int putsResentAfterKill, int partsResentAfterKill, int retriedInProcess,
                int createsWithoutParts) {
    }

    /**
     * Goes through every process's log in order. A write (PutObject of a key, UploadPart of a
     * key's part number) seen before is sent again: after a kill when another process sent it
     * last (charged to that process: its kill interrupted it), or a retry within one process.
     */
    static Analysis analyse(List<Life> lives, String destinationBucket) throws IOException {
        Map<String, Integer> lastSender = new HashMap<>();
        int[] puts = new int[lives.size()];
        int[] parts = new int[lives.size()];
        int[] putsAgain = new int[lives.size()];
        int[] partsAgain = new int[lives.size()];
        int[] retried = new int[lives.size()];
        int[] createsWithoutParts = new int[lives.size()];
        for (Life life : lives) {
            int i = life.index();
            Map<String, Boolean> created = new HashMap<>();
            for (RequestCounts.Entry e : RequestCounts.readLog(life.log())) {
                if (!destinationBucket.equals(e.bucket())) {
                    continue;
                }
                if ("CreateMultipartUpload".equals(e.operation())) {
                    created.put(e.key(), false);
                } else if ("UploadPart".equals(e.operation()) && created.containsKey(e.key())) {
                    created.put(e.key(), true);
                }
                boolean part = "UploadPart".equals(e.operation());
                if (!part && !"PutObject".equals(e.operation())) {
                    continue;
                }
                String id = part ? e.key() + "#" + e.part() : e.key();
                (part ? parts : puts)[i]++;
                Integer last = lastSender.put(id, i);
                if (last != null && last == i) {
                    retried[i]++;
                } else if (last != null) {
                    (part ? partsAgain : putsAgain)[last]++;
                }
            }
            createsWithoutParts[i] = (int) created.values().stream().filter(withParts -> !withParts).count();
        }
        List<Sent> sent = new ArrayList<>();
        for (int i = 0; i < lives.size(); i++) {
            sent.add(new Sent(puts[i], parts[i], putsAgain[i], partsAgain[i], retried[i], createsWithoutParts[i]));
        }
        int distinctParts = (int) lastSender.keySet().stream().filter(id -> id.contains("#")).count();
        return new Analysis(sent, distinctParts);
    }

    /** @param distinctParts the (key, part number) pairs uploaded at all, by any process */
    record Analysis(List<Sent> perProcess, int distinctParts) {
        int parts() {
            return perProcess.stream().mapToInt(Sent::parts).sum();
        }

        int puts() {
            return perProcess.stream().mapToInt(Sent::puts).sum();
        }

        int maxPartsResent() {
            return perProcess.stream().mapToInt(Sent::partsResentAfterKill).max().orElse(0);
        }

        int partsResent() {
            return perProcess.stream().mapToInt(Sent::partsResentAfterKill).sum();
        }

        int maxPutsResent() {
            return perProcess.stream().mapToInt(Sent::putsResentAfterKill).max().orElse(0);
        }

        int putsResent() {
            return perProcess.stream().mapToInt(Sent::putsResentAfterKill).sum();
        }

        int retried() {
            return perProcess.stream().mapToInt(Sent::retriedInProcess).sum();
        }

        int createsWithoutParts() {
            return perProcess.stream().mapToInt(Sent::createsWithoutParts).sum();
        }
    }
}
