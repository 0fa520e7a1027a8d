package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multipart source whose parts are not all one size (issue 12, item 6): HEAD partNumber=1 names the first
 * part's size and the part count, which the replicator takes as a uniform layout; when the copy's ETag then
 * differs from the source's, the parts (each checked by MD5) are right and only the boundaries differ, so
 * the copy is kept, never failed for good.
 */
class UnevenPartsTest extends TwoEndpoints {
    private static final int MIB = 1024 * 1024;

    @Test
    void a_source_with_parts_of_6_5_and_5_mib_is_copied_and_kept() {
        String a = armedBucket(src, "uneven-src");
        String b = armedBucket(dst, "uneven-dst");
        StoreBehaviour.partNumbers(a);
        byte[] big = new byte[16 * MIB];
        new Random(16).nextBytes(big);
        int[] sizes = {6 * MIB, 5 * MIB, 5 * MIB};
        String upload = src.createMultipartUpload(c -> c.bucket(a).key("uneven.bin")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 0, off = 0; n < sizes.length; off += sizes[n], n++) {
            int number = n + 1;
            byte[] part = Arrays.copyOfRange(big, off, off + sizes[n]);
            String etag = src.uploadPart(u -> u.bucket(a).key("uneven.bin").uploadId(upload).partNumber(number)
                    .contentLength((long) part.length), RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        src.completeMultipartUpload(c -> c.bucket(a).key("uneven.bin").uploadId(upload)
                .multipartUpload(m -> m.parts(parts)));
        assertThat(src.headObject(h -> h.bucket(a).key("uneven.bin").partNumber(1)).contentLength())
                .as("the fixture answers HEAD partNumber as AWS does").isEqualTo(6L * MIB);

        CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--multipart-threshold", "5MiB",
                "--state-dir", state.toString(), "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(1);
        assertThat(Buckets.get(dst, b, "uneven.bin")).isEqualTo(big);
    }
}
