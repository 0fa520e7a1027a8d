package io.s3replicator.queue;

import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.ElasticMq;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import static org.assertj.core.api.Assertions.assertThat;

class EmulatorsSmokeTest {
    @Test
    void elasticmq_redrives_to_the_dlq_after_max_receives() throws Exception {
        SqsClient sqs = ElasticMq.client();
        String dlqName = ElasticMq.uniqueName("smoke-dlq");
        String url = ElasticMq.createWithDlq(sqs, ElasticMq.uniqueName("smoke"), dlqName, 2, 1);
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("hello"));
        for (int i = 0; i < 2; i++) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(3)).messages()).hasSize(1);
            Thread.sleep(1200);
        }
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(1)).messages()).isEmpty();
        String dlqUrl = sqs.getQueueUrl(b -> b.queueName(dlqName)).queueUrl();
        assertThat(sqs.receiveMessage(b -> b.queueUrl(dlqUrl).waitTimeSeconds(2)).messages()).singleElement()
                .satisfies(m -> assertThat(m.body()).isEqualTo("hello"));
    }

    @Test
    void dynamodb_local_answers() {
        DynamoDbClient ddb = DynamoDbLocal.client();
        assertThat(ddb.listTables().tableNames()).isNotNull();
    }
}
