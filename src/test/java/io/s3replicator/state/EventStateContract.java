package io.s3replicator.state;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-key event state (sequencers, own deletes), the same on every backend. */
public abstract class EventStateContract {
    /** The retention the stores of these tests are built with. */
    protected static final Duration RETENTION = Duration.ofDays(30);

    protected abstract KeySequencers keySequencers(Clock clock);

    protected KeySequencers keySequencers() {
        return keySequencers(Clock.systemUTC());
    }

    /** The backend's expiry as of {@code clock} (see {@link StateContract#expire()}). */
    protected abstract void expire(Clock clock);

    protected abstract OwnDeletes ownDeletes(Duration ttl, Clock clock);

    /** Keys unique to one test, so backends shared by a class stay independent. */
    protected final String pair = "p-" + UUID.randomUUID();

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
        KeySequencers s = keySequencers();
        assertThat(s.advance(pair, "k", "0055AED6DCD90281E5")).isTrue();
        assertThat(s.advance(pair, "k", "0055AED6DCD90281E6")).isTrue();
        assertThat(s.advance(pair, "k", "0055AED6DCD90281E5")).as("older").isFalse();
        assertThat(s.advance(pair, "k", "0055AED6DCD90281E6")).as("the same event again (a retry)").isTrue();
        assertThat(s.advance(pair, "other key", "0055AED6DCD90281E0")).as("keys are independent").isTrue();
        assertThat(s.advance(pair + "-q", "k", "0055AED6DCD90281E0")).as("pairs are independent").isTrue();
        assertThat(s.advance(pair, "k", "0055AED6DCD9028")).as("shorter, right-padded, older").isFalse();
        assertThat(s.advance(pair, "k", "0055AED6DCD90281E6FF")).as("longer, newer").isTrue();
    }

    @Test
    void concurrent_workers_never_move_a_key_backwards() throws Exception {
        KeySequencers s = keySequencers();
        List<String> sequencers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sequencers.add(String.format("%018X", 0x0055AED6DCD90281L + i));
        }
        Collections.shuffle(sequencers, new java.util.Random(7));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (String seq : sequencers) {
            results.add(pool.submit(() -> {
                go.await();
                return s.advance(pair, "hot key", seq);
            }));
        }
        go.countDown();
        for (Future<Boolean> f : results) {
            f.get();
        }
        pool.shutdown();
        // Whatever the interleaving, the newest stays: nothing older is accepted after it.
        assertThat(s.advance(pair, "hot key", String.format("%018X", 0x0055AED6DCD90281L + 98))).isFalse();
        assertThat(s.advance(pair, "hot key", String.format("%018X", 0x0055AED6DCD90281L + 99))).isTrue();
    }

    @Test
    void a_keys_sequencer_is_kept_a_retention_after_its_last_event_then_forgotten() {
        MutableClock clock = new MutableClock();
        KeySequencers s = keySequencers(clock);
        assertThat(s.advance(pair, "quiet", "0055AED6DCD90281E6")).isTrue();
        assertThat(s.advance(pair, "busy", "0055AED6DCD90281E6")).isTrue();
        clock.advance(Duration.ofDays(29));
        assertThat(s.advance(pair, "busy", "0055AED6DCD90281E7")).isTrue();
        expire(clock);
        assertThat(s.advance(pair, "quiet", "0055AED6DCD90281E5")).as("a late older event within the retention")
                .isFalse();
        clock.advance(Duration.ofDays(1).plusMinutes(1));

        expire(clock);

        assertThat(s.advance(pair, "busy", "0055AED6DCD90281E6")).as("its last event was a day ago").isFalse();
        assertThat(s.advance(pair, "quiet", "0055AED6DCD90281E5"))
                .as("no event for the whole retention: the key's sequencer is forgotten").isTrue();
    }

    @Test
    void an_own_delete_is_claimed_once_by_its_echo_and_not_by_a_much_later_delete() {
        // Near the real time: DynamoDB Local removes items whose expiresAt (TTL) has passed, so
        // a fixed date fails once the wall clock is an hour past it.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        OwnDeletes d = ownDeletes(Duration.ofHours(1), Clock.fixed(now, ZoneOffset.UTC));
        String bucket = "http://b/" + pair;
        d.deleting(bucket, "k", now);
        assertThat(d.consume(bucket, "other", now)).isFalse();
        assertThat(d.consume(bucket, "k", now.plusMillis(300))).as("the echo").isTrue();
        assertThat(d.consume(bucket, "k", now.plusMillis(400))).as("claimed once").isFalse();
        d.deleting(bucket, "k", now);
        assertThat(d.consume(bucket, "k", now.plus(Duration.ofMinutes(10))))
                .as("a user's delete ten minutes later is not an echo").isFalse();
        d.forget(bucket, "k");
        assertThat(d.consume(bucket, "k", now)).isFalse();
    }
}
