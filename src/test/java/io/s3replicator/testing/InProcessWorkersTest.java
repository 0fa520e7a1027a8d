package io.s3replicator.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Base of tests that run distributed-mode workers in this JVM: an ElasticMQ job queue and DynamoDB
 * Local tables of their own, the workers started, and everything stopped after each test.
 */
public abstract class InProcessWorkersTest extends TwoEndpoints {
    protected final SqsClient sqs = ElasticMq.client();
    protected final String queue;
    protected final String tables;
    protected final List<Worker> workers = new ArrayList<>();
    /** The workers' DynamoDB clients take the default chain: a key DynamoDB Local accepts, for the whole test. */
    protected DynamoDbLocalKeys keys;

    /** @param name the start of the queue's and tables' names */
    protected InProcessWorkersTest(String name) {
        this.queue = ElasticMq.uniqueName(name);
        this.tables = ElasticMq.uniqueName(name);
    }

    @BeforeEach
    void dynamoDbLocalKeys() {
        keys = DynamoDbLocalKeys.use();
    }

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::close);
        keys.close();
    }
}
