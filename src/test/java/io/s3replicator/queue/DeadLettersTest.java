package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;
import io.s3replicator.testing.ElasticMq;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadLettersTest {
    final SqsClient sqs = ElasticMq.client();

    @Test
    void redrive_moves_more_messages_than_one_receive_holds_and_empties_the_dlq() {
        String queue = ElasticMq.uniqueName("redrive");
        ElasticMq.createWithDlq(sqs, queue, queue + "-dlq", 3, 30);
        String dlqUrl = sqs.getQueueUrl(r -> r.queueName(queue + "-dlq")).queueUrl();
        for (int i = 0; i < 25; i++) {
            String body = "job " + i;
            sqs.sendMessage(r -> r.queueUrl(dlqUrl).messageBody(body));
        }
        try (SqsQueues queues = new SqsQueues(settings(queue), 4)) {
            DeadLetters dead = new DeadLetters(queues);
            assertThat(dead.list(100)).hasSize(25);
            assertThat(dead.redrive(10)).as("--max is respected").isEqualTo(10);
            assertThat(dead.redrive(100)).isEqualTo(15);
        }
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
        assertThat(ElasticMq.depth(sqs, queue)).isEqualTo(25);
    }

    @Test
    void a_misspelt_boolean_names_its_property_instead_of_meaning_false() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.setProperty("s3replicator.sqs.create-queues", "ture");
            context.getPropertiesComponent().setOverrideProperties(p);
            assertThatThrownBy(() -> JobQueues.sqsSettings(context.getPropertiesComponent()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("s3replicator.sqs.create-queues: 'ture' is not true or false");
        }
    }

    @Test
    void a_bad_endpoint_names_its_property() {
        assertThatThrownBy(() -> SqsQueues.client("http://bad host", "", 2, 1))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("s3replicator.sqs.endpoint: ");
    }

    static SqsSettings settings(String queue) {
        return new SqsSettings(queue, queue + "-dlq", ElasticMq.endpoint(), "us-east-1", false, 3, 30, 1, 0);
    }
}
