package io.s3replicator.store;

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

    /**
     * True when an S3 event's principal id names this identity (with or without the "AWS:"
     * prefix). A configured identity may list several ids, comma-separated (an IAM user id, a
     * role session "AROA...:session", an access key id as S3-compatible stores report it); a
     * role id without a session matches every session of that role.
     */
    public boolean matches(String eventPrincipalId) {
        if (eventPrincipalId == null) {
            return false;
        }
        String bare = strip(eventPrincipalId.strip());
        for (String id : principalId.split(",")) {
            String mine = strip(id.strip());
            if (!mine.isEmpty() && (bare.equals(mine) || (!mine.contains(":") && bare.startsWith(mine + ":")))) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String id) {
        return id.startsWith("AWS:") ? id.substring(4) : id;
    }
}
