package io.s3replicator.transfer;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.jdbc.JdbcCheckpointStore;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.RelayedParts;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Relayed part memory stays at or below parts-in-flight x part size for objects of more than 1,000 parts
 * (issue 12, item 6): the parts pool never runs a part on the caller's thread, whatever the part count.
 * Camel's parallel split hands the pool one step at a time (a step takes the next part and schedules the
 * following step), so the pool's queue holds about one step per object, never the object's parts.
 *
 * <p>More than 1,000 parts of S3's 5 MiB minimum would be 5 GiB per object, too much for a test. A resumed
 * upload keeps the part size of its checkpoint, whatever it is: the test checkpoints an upload of 8 KiB
 * parts, so a 10 MiB object has 1,280. S3Mock, like S3, refuses parts under 5 MiB at completion
 * (EntityTooSmall): the run ends in that one failure after every part moved, which is what is measured.
 */
class PartsMemoryTest extends TwoEndpoints {
    private static final int PART = 8 * 1024;
    private static final int SIZE = 10 * 1024 * 1024;

    @Test
    void an_object_of_more_than_1000_parts_holds_at_most_parts_in_flight_parts_in_memory() throws Exception {
        String a = Buckets.create(src, "many-parts-src");
        String b = Buckets.create(dst, "many-parts-dst");
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        String etag = src.putObject(p -> p.bucket(a).key("big.bin"), RequestBody.fromBytes(data)).eTag()
                .replace("\"", "");
        String uploadId = dst.createMultipartUpload(c -> c.bucket(b).key("big.bin")).uploadId();
        try (EmbeddedDatabase state = new EmbeddedDatabase(this.state)) {
            new JdbcCheckpointStore(state.dataSource())
                    .started(new CheckpointStore.Upload(b, "big.bin", etag, uploadId, PART));
        }
        RelayedParts.watch(a);
        try {
            CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                    "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0",
                    "--multipart-threshold", "5MiB", "--parts-in-flight", "2", "--concurrency", "1");

            assertThat(RelayedParts.relayed()).as(run.toString()).isEqualTo(SIZE / PART);
            assertThat(RelayedParts.peak()).as("relayed parts held at once").isBetween(1, 2);
            assertThat(RelayedParts.threads()).as("never on the caller's thread").hasSize(2)
                    .allMatch(name -> name.endsWith(" - multipart-parts"));
            assertThat(run.out()).contains("FAILED    big.bin: 400 EntityTooSmall");
        } finally {
            RelayedParts.stop(a);
        }
    }
}
