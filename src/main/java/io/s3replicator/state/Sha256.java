package io.s3replicator.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fixed-length ids for variable-length identities (keys up to 1 KiB, upload ids of any length):
 * they fit any primary-key column and DynamoDB's 1 KiB sort-key limit.
 */
final class Sha256 {
    private Sha256() {
    }

    /** Hex SHA-256 of the parts joined by newlines (null becomes an empty part). */
    static String hex(String... parts) {
        StringBuilder identity = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                identity.append('\n');
            }
            identity.append(parts[i] == null ? "" : parts[i]);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
