package io.s3replicator.observe;

import io.s3replicator.store.S3Errors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness: DOWN while the job-state store or any endpoint of a served pair cannot be
 * reached. Not a liveness check: a worker waiting for S3 to come back needs no restart,
 * so the container health check uses liveness and this one only gates "ready".
 */
public class ReadinessCheck extends AbstractHealthCheck {
    /** One dependency: a name for the health details and a probe that throws when it is unreachable. */
    public interface Probe {
        void check() throws Exception;
    }

    private final Supplier<Map<String, Probe>> probes;

    /** @param probes called on every check, so pairs registered after start-up are probed too */
    public ReadinessCheck(Supplier<Map<String, Probe>> probes) {
        super("s3replicator", "dependencies");
        this.probes = probes;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, Object> details = new LinkedHashMap<>();
        String firstDown = null;
        for (Map.Entry<String, Probe> probe : probes.get().entrySet()) {
            try {
                probe.getValue().check();
                details.put(probe.getKey(), "UP");
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName()
                        : S3Errors.firstLine(e.getMessage());
                details.put(probe.getKey(), "DOWN: " + why);
                if (firstDown == null) {
                    firstDown = probe.getKey() + ": " + why;
                }
            }
        }
        builder.details(details);
        if (firstDown == null) {
            builder.up();
        } else {
            builder.message(firstDown).down();
        }
    }
}
