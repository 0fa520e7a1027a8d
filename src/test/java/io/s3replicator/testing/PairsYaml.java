package io.s3replicator.testing;

/** Routes-file snippets for tests that start the replicator with {@link RunningReplicator}. */
public final class PairsYaml {
    private PairsYaml() {
    }

    /**
     * One {@code replication-pair} route between two S3Mock buckets, its schedule far in the future
     * (tests start diffs themselves); {@code params} are further name, value pairs.
     */
    public static String pair(String id, String from, String fromEndpoint, String to, String toEndpoint, String... params) {
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            extra.append("      - {name: ").append(params[i]).append(", value: \"").append(params[i + 1]).append("\"}\n");
        }
        return """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: %s
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s"}
                      - {name: destination, value: "s3://%s?endpoint=%s"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                """.formatted(id, from, fromEndpoint, to, toEndpoint) + extra;
    }
}
