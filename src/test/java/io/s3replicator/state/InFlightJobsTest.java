package io.s3replicator.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class InFlightJobsTest {
    @Test
    void of_many_workers_adding_one_job_at_once_exactly_one_wins(@TempDir Path dir) throws Exception {
        try (StateStore store = new StateStore(dir)) {
            InFlightJobs jobs = new InFlightJobs(store.dataSource(), "transfer");
            jobs.start();
            for (int round = 0; round < 20; round++) {
                String key = "job-" + round;
                AtomicInteger winners = new AtomicInteger();
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(8);
                Future<?>[] all = new Future<?>[8];
                for (int i = 0; i < all.length; i++) {
                    all[i] = pool.submit(() -> {
                        go.await();
                        if (jobs.add(key)) {
                            winners.incrementAndGet();
                        }
                        return null;
                    });
                }
                go.countDown();
                for (Future<?> f : all) {
                    f.get();
                }
                pool.shutdown();
                assertThat(winners.get()).as(key).isEqualTo(1);
            }
            assertThat(jobs.remove("job-0")).isTrue();
            assertThat(jobs.add("job-0")).as("a finished job's key can be taken again").isTrue();
            jobs.stop();
        }
    }
}
