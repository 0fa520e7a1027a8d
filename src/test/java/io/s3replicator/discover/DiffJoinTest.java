package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.IgnoreList;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DiffJoinTest {
    final ReplicationPair pair = new ReplicationPair("p", S3Uri.parse("source", "s3://src"),
            S3Uri.parse("destination", "s3://dst"), KeyFilter.of(List.of(), List.of("*.tmp")), false);
    final RunStats stats = new RunStats("run", "p");

    static ListedObject o(String key, long size, String etag) {
        return new ListedObject(key, key, size, etag);
    }

    List<Job> join(List<ListedObject> source, List<ListedObject> destination) {
        List<Job> jobs = new ArrayList<>();
        new DiffJoin(pair, stats, source.iterator(), destination.iterator()).forEachRemaining(jobs::add);
        return jobs;
    }

    @Test
    void missing_changed_and_in_step_objects() {
        List<Job> jobs = join(
                List.of(o("a", 1, "e1"), o("b", 2, "e2"), o("c", 3, "e3"), o("d", 4, "e4"), o("e.tmp", 5, "e5")),
                List.of(o("b", 2, "e2"), o("c", 9, "e3"), o("d", 4, "zz"), o("z", 1, "e")));
        assertThat(jobs).extracting(Job::key, Job::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", Job.Reason.MISSING),
                org.assertj.core.groups.Tuple.tuple("c", Job.Reason.SIZE_DIFFERS),
                org.assertj.core.groups.Tuple.tuple("d", Job.Reason.ETAG_DIFFERS));
        assertThat(stats.inStep.sum()).isEqualTo(1);
        assertThat(stats.excluded.sum()).isEqualTo(1);
        assertThat(stats.extraAtDestination.sum()).isEqualTo(1);
        assertThat(jobs).allSatisfy(j -> assertThat(j.runId()).isEqualTo("run"));
    }

    @Test
    void with_deletes_on_a_destination_only_key_becomes_a_delete_unless_filters_or_the_ignore_list_leave_it_out() {
        ReplicationPair deleting = new ReplicationPair("p", S3Uri.parse("source", "s3://src"),
                S3Uri.parse("destination", "s3://dst"), KeyFilter.of(List.of(), List.of("*.tmp")), false,
                new PairFeatures(null, null, true, false, IgnoreList.of(List.of("src/keep/*")), false, false, true));
        List<Job> jobs = new ArrayList<>();
        new DiffJoin(deleting, stats, List.<ListedObject>of().iterator(),
                List.of(o("gone", 1, "e"), o("keep/x", 1, "e"), o("x.tmp", 1, "e")).iterator()).forEachRemaining(jobs::add);

        assertThat(jobs).extracting(Job::key, Job::operation, Job::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gone", Job.Operation.DELETE,
                        Job.Reason.EXTRA_AT_DESTINATION));
    }

    @Test
    void the_join_pulls_listings_lazily() {
        int[] pulled = {0};
        Iterator<ListedObject> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public ListedObject next() {
                pulled[0]++;
                return o(String.format("k%09d", pulled[0]), 1, "e");
            }
        };
        DiffJoin join = new DiffJoin(pair, stats, endless, List.<ListedObject>of().iterator());
        for (int i = 0; i < 5; i++) {
            join.next();
        }
        assertThat(pulled[0]).isEqualTo(5);
    }

    @Test
    void key_order_is_utf8_binary_not_utf16() {
        String fullwidthA = "\uFF21";
        String emoji = "\uD83D\uDE00";
        assertThat(emoji.compareTo(fullwidthA)).isNegative();
        assertThat(KeyOrder.compare(emoji, fullwidthA)).isPositive();
        assertThat(KeyOrder.compare("a", "ab")).isNegative();
        assertThat(KeyOrder.compare("ab", "ab")).isZero();
    }

    @Test
    void a_store_listing_in_utf16_order_never_loses_a_key_and_flags_the_doubtful_ones() {
        // Both sides listed the way S3Mock does (UTF-16 order): emoji before U+FF21.
        String emoji = "x\uD83D\uDE00";
        String fullwidth = "x\uFF21";
        List<Job> jobs = join(List.of(o(emoji, 1, "e"), o(fullwidth, 1, "f"), o("y", 1, "g")),
                List.of(o(fullwidth, 1, "f"), o("y", 1, "g")));
        // The emoji key is really missing; the full-width one is at the destination but the
        // join cannot tell, so it is sent with MAYBE_MISSING for the copier to check.
        assertThat(jobs).extracting(Job::key).containsExactly(emoji, fullwidth);
        assertThat(jobs).extracting(Job::reason).containsOnly(Job.Reason.MAYBE_MISSING);
        assertThat(stats.inStep.sum()).isEqualTo(1);
    }
}
