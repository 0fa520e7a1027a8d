package io.s3replicator.queue;

import io.s3replicator.model.Job;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobCodecTest {
    final Job whole = new Job("p", "run-1", Job.Operation.COPY, "big.bin", 30L << 20, "etag", null, null, "DIFF",
            Job.Reason.MISSING, 7);

    @Test
    void a_whole_object_job_reads_back_the_same_and_names_no_part() {
        String json = JobCodec.toJson(whole);
        assertThat(json).doesNotContain("part");
        assertThat(JobCodec.fromJson(json)).isEqualTo(whole);
        assertThat(JobCodec.fromJson(json).part()).isNull();
    }

    @Test
    void a_part_job_reads_back_with_its_part() {
        Job part = whole.withPart(new Job.Part("upload-1", "etag", 30L << 20, 5L << 20, 3, 6, "OWN", false, null, 0));
        Job read = JobCodec.fromJson(JobCodec.toJson(part));
        assertThat(read).isEqualTo(part);
        assertThat(read.part().handedBackOnce().handedBack()).isEqualTo(1);
        assertThat(read.withReason(Job.Reason.MAYBE_MISSING).part()).isEqualTo(part.part());
    }
}
