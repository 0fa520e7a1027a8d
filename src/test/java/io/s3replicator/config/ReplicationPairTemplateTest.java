package io.s3replicator.config;

import io.s3replicator.wiring.ObserveConfiguration;
import io.s3replicator.wiring.QueueConfiguration;
import io.s3replicator.wiring.ReplicatorConfiguration;
import io.s3replicator.wiring.StateConfiguration;
import io.s3replicator.wiring.StoreConfiguration;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.S3MockServers;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication-pair YAML template as Camel Main loads it (camel-test-main-junit5): each
 * templatedRoute becomes a route triggered by Quartz on the pair's schedule that hands its pair id
 * to the diff. The trigger of one pair is replaced by a direct: endpoint and the diff is mocked
 * (AdviceWith), so the route is tested alone, without waiting for a cron.
 */
// One Camel Main for the class: its tests use separate pairs and buckets.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(configurationClasses = {StoreConfiguration.class, StateConfiguration.class, QueueConfiguration.class,
        ObserveConfiguration.class, ReplicatorConfiguration.class},
        properties = {"camel.management.enabled=false", "s3replicator.state.dir=" + ReplicationPairTemplateTest.STATE,
            "camel.main.routes-include-pattern=classpath:routes/replication-pair.camel.yaml,file:"
                + ReplicationPairTemplateTest.ROUTES},
        replaceRouteFromWith = "hourly=direct:hourly",
        mockEndpointsAndSkip = "direct:diff")
class ReplicationPairTemplateTest {
    static final String DIR = "target/camel-main-tests/template";
    /** Emptied before each run of the class. */
    static final String STATE = DIR + "/state";
    static final String ROUTES = DIR + "/pairs.camel.yaml";

    static {
        // Written before Camel Main starts: the pairs' buckets must exist (start-up checks them).
        String endpoint = S3MockServers.sourceEndpoint();
        S3Client s3 = S3MockServers.client(endpoint);
        String a = Buckets.create(s3, "template-src");
        String b = Buckets.create(s3, "template-dst");
        try {
            Files.createDirectories(Path.of(DIR));
            org.apache.camel.util.FileUtil.removeDir(Path.of(STATE).toFile());
            Files.writeString(Path.of(ROUTES), """
                    - templatedRoute:
                        routeTemplateRef: replication-pair
                        routeId: hourly
                        parameters:
                          - {name: source, value: "s3://%1$s/logs?endpoint=%3$s&pathStyle=true"}
                          - {name: destination, value: "s3://%2$s/logs?endpoint=%3$s&pathStyle=true"}
                    - templatedRoute:
                        routeTemplateRef: replication-pair
                        routeId: nightly
                        parameters:
                          - {name: source, value: "s3://%1$s/photos?endpoint=%3$s&pathStyle=true"}
                          - {name: destination, value: "s3://%2$s/photos?endpoint=%3$s&pathStyle=true"}
                          - {name: schedule, value: "0 30 3 * * ?"}
                    """.formatted(a, b, endpoint));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeanInject
    CamelContext context;
    @EndpointInject("mock:direct:diff")
    MockEndpoint diff;

    @Test
    void the_pairs_route_hands_its_pair_id_to_the_diff_each_time_it_fires() throws Exception {
        NotifyBuilder fired = new NotifyBuilder(context).fromRoute("hourly").whenCompleted(2).create();
        diff.expectedHeaderValuesReceivedInAnyOrder("S3ReplicatorPairId", "hourly", "hourly");
        ProducerTemplate trigger = context.createProducerTemplate();

        trigger.sendBody("direct:hourly", null);
        trigger.sendBody("direct:hourly", null);

        assertThat(fired.matches(10, TimeUnit.SECONDS)).isTrue();
        diff.assertIsSatisfied();
    }

    @Test
    void every_pair_is_a_route_on_its_own_quartz_schedule_the_default_hourly() {
        assertThat(context.getRoute("nightly").getEndpoint().getEndpointUri())
                .startsWith("scheduler://replication-pair?")
                .contains("scheduler=quartz", "scheduler.cron=0+30+3+*+*+%3F", "scheduler.triggerGroup=s3replicator");
        assertThat(context.getRoute("hourly").getEndpoint().getEndpointUri()).isEqualTo("direct://hourly");
        assertThat(context.getRoutes()).extracting(r -> r.getRouteId())
                .contains("hourly", "nightly", "diff", "transfer");
    }
}
