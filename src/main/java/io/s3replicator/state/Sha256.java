package io.s3replicator.state;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fixed-length ids for variable-length identities (keys up to 1 KiB, upload ids of any length):
 * they fit any primary-key column and DynamoDB's 1 KiB sort-key limit.
 */
public final class Sha256 {
    private Sha256() {
    }

    /**
     * Hex SHA-256 of the parts, each prefixed with its length so that no two different lists
     * (S3 keys may hold newlines) hash the same text. Null is an empty part.
     */
    public static String hex(String... parts) {
        StringBuilder identity = new StringBuilder();
        for (String part : parts) {
            String p = part == null ? "" : part;
            identity.append(p.length()).append(':').append(p);
        }
        return ofText(identity.toString());
    }

    /** Plain hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String ofText(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
