package io.s3replicator.queue;

import io.s3replicator.model.PoisonMessageException;

import io.s3replicator.model.Job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The queue's wire format: {@link Job} as JSON, the same for {@code seda:} and SQS.
 */
public final class JobCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JobCodec() {
    }

    public static String toJson(Job job) {
        try {
            return MAPPER.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job as JSON", e);
        }
    }

    /** @throws PoisonMessageException when the text is not a job */
    public static Job fromJson(String json) {
        try {
            Job job = MAPPER.readValue(json, Job.class);
            if (job.pairId() == null || job.key() == null || job.operation() == null) {
                throw new PoisonMessageException("job lacks pairId, key or operation: " + abbreviate(json));
            }
            return job;
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("not a job (invalid JSON): " + abbreviate(json));
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
