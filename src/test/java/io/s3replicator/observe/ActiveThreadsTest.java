package io.s3replicator.observe;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts-in-flight gauge reads the multipart pool Camel builds: it must see busy threads. */
class ActiveThreadsTest {
    @Test
    void a_camel_fixed_pool_reports_the_parts_being_copied() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "multipart-parts", 3);
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 2; i++) {
                pool.submit(() -> {
                    started.countDown();
                    release.await();
                    return null;
                });
            }
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(Observability.activeThreads(pool)).isEqualTo(2);
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(Observability.activeThreads(pool)).isZero();
        }
    }
}
