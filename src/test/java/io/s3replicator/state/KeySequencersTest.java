package io.s3replicator.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class KeySequencersTest {
    @TempDir
    Path dir;

    @Test
    void sequencers_of_different_lengths_compare_right_padded_with_zeros_as_s3_documents() {
        assertThat(KeySequencers.compare("0055AED6DCD90281E5", "0055AED6DCD90281E6")).isNegative();
        // Right-padded: "0055AED6DCD9028" is "0055AED6DCD902800..." which sorts before "...281E5".
        assertThat(KeySequencers.compare("0055AED6DCD9028", "0055AED6DCD90281E5")).isNegative();
        assertThat(KeySequencers.compare("0055AED6DCD90281E5", "0055aed6dcd90281e5")).isZero();
        assertThat(KeySequencers.compare("617f08299329d189", "617f0837b476e463")).isNegative();
        assertThat(KeySequencers.normalize("not hex")).isNull();
    }

    @Test
    void advance_refuses_an_older_sequencer_and_accepts_the_same_one_again() {
        try (StateStore store = new StateStore(dir)) {
            KeySequencers s = new JdbcKeySequencers(store.dataSource());
            assertThat(s.advance("p", "k", "0055AED6DCD90281E5")).isTrue();
            assertThat(s.advance("p", "k", "0055AED6DCD90281E6")).isTrue();
            assertThat(s.advance("p", "k", "0055AED6DCD90281E5")).as("older").isFalse();
            assertThat(s.advance("p", "k", "0055AED6DCD90281E6")).as("the same event again (a retry)").isTrue();
            assertThat(s.advance("p", "other key", "0055AED6DCD90281E0")).as("keys are independent").isTrue();
            assertThat(s.advance("q", "k", "0055AED6DCD90281E0")).as("pairs are independent").isTrue();
            assertThat(s.advance("p", "k", "0055AED6DCD9028")).as("shorter, right-padded, older").isFalse();
            assertThat(s.advance("p", "k", "0055AED6DCD90281E6FF")).as("longer, newer").isTrue();
        }
    }

    @Test
    void concurrent_workers_never_move_a_key_backwards() throws Exception {
        try (StateStore store = new StateStore(dir)) {
            KeySequencers s = new JdbcKeySequencers(store.dataSource());
            List<String> sequencers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sequencers.add(String.format("%018X", 0x0055AED6DCD90281L + i));
            }
            Collections.shuffle(sequencers, new java.util.Random(7));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> accepted = new ArrayList<>();
            for (String seq : sequencers) {
                accepted.add(pool.submit(() -> {
                    go.await();
                    return s.advance("p", "hot key", seq) ? seq : null;
                }));
            }
            go.countDown();
            String newest = sequencers.stream().max(KeySequencers::compare).orElseThrow();
            for (Future<String> f : accepted) {
                f.get();
            }
            pool.shutdown();
            // Whatever the interleaving, the newest is what stays: nothing older is accepted after it.
            assertThat(s.advance("p", "hot key", String.format("%018X", 0x0055AED6DCD90281L + 198))).isFalse();
            assertThat(s.advance("p", "hot key", newest)).isTrue();
        }
    }

    @Test
    void an_own_delete_is_claimed_once_by_its_echo_and_not_by_a_much_later_delete() {
        Instant now = Instant.parse("2026-11-22T06:00:00Z");
        try (StateStore store = new StateStore(dir)) {
            OwnDeletes d = new JdbcOwnDeletes(store.dataSource(), Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
            d.deleting("http://b/bucket", "k", now);
            assertThat(d.consume("http://b/bucket", "other", now)).isFalse();
            assertThat(d.consume("http://b/bucket", "k", now.plusMillis(300))).as("the echo").isTrue();
            assertThat(d.consume("http://b/bucket", "k", now.plusMillis(400))).as("claimed once").isFalse();
            d.deleting("http://b/bucket", "k", now);
            assertThat(d.consume("http://b/bucket", "k", now.plus(Duration.ofMinutes(10))))
                    .as("a user's delete ten minutes later is not an echo").isFalse();
            d.forget("http://b/bucket", "k");
            assertThat(d.consume("http://b/bucket", "k", now)).isFalse();
        }
    }
}
