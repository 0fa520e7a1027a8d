package io.s3replicator.queue;

import io.s3replicator.config.ReplicationPair;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a job for the in-flight repository, shared by the diff (which marks jobs it
 * queues) and the workers (which claim them): destination endpoint, bucket and key, and the
 * source ETag and version. SHA-256: fixed length, fits any repository column or item key.
 */
public final class JobIdentity {
    private JobIdentity() {
    }

    public static String of(ReplicationPair pair, Job job) {
        String identity = String.join("\n", pair.destination().endpoint().describe(), pair.destination().bucket(),
                pair.destinationKey(job.key()), String.valueOf(job.etag()), String.valueOf(job.versionId()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
