package io.s3replicator.wiring;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Registry names of the beans the configuration classes bind, and the two helpers they share. */
final class Beans {
    static final String SETTINGS = "settings";
    static final String S3_CLIENTS = "s3Clients";
    static final String STATE = "stateBackend";
    static final String JOB_QUEUE = "jobQueue";
    /** How long a queued mark lives (the queue's message lifetime unless set). */
    static final String QUEUED_MARK_TTL = "queuedMarkTtl";
    static final String METRICS = "replicatorMetrics";
    static final String RUNS = "runs";
    static final String PAIRS = "pairs";
    static final String REPORTS = "objectReports";

    private Beans() {
    }

    /** A bean another configuration class binds (lazily: looking it up builds it, once). */
    static <T> T get(CamelContext context, String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        if (bean == null) {
            throw new IllegalStateException("no bean '" + name + "' of type " + type.getSimpleName() + " is bound");
        }
        return bean;
    }

    static void closeOnStop(CamelContext context, AutoCloseable resource) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }
        });
    }
}
