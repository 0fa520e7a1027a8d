package io.s3replicator.storage;

/**
 * Who the replicator writes as on one side, for the loop guard: S3 events carry the writer
 * as {@code userIdentity.principalId} ("AWS:AIDA..." for a user, "AWS:AROA...:session" for a
 * role), so events whose principal equals this one were caused by the replicator itself.
 *
 * @param principalId STS UserId (AIDA... or AROA...:session) or the configured value
 * @param arn         caller ARN, or null when configured
 * @param account     account id, or null when configured
 * @param origin      "sts" (GetCallerIdentity) or "configured"
 */
public record WriterIdentity(String principalId, String arn, String account, String origin) {

    /** True when an S3 event's principal id names this identity (with or without the "AWS:" prefix). */
    public boolean matches(String eventPrincipalId) {
        if (eventPrincipalId == null) {
            return false;
        }
        String bare = eventPrincipalId.startsWith("AWS:") ? eventPrincipalId.substring(4) : eventPrincipalId;
        String mine = principalId.startsWith("AWS:") ? principalId.substring(4) : principalId;
        return bare.equals(mine);
    }
}
