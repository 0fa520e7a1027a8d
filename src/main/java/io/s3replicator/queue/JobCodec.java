package io.s3replicator.queue;

import io.s3replicator.model.PoisonMessageException;

import io.s3replicator.model.Job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The queue's wire format: {@link Job} as JSON on SQS. The in-memory {@code seda:} queue carries the
 * {@link Job} itself (a one-shot {@code sync} never starts Jackson: about 170 ms); {@link #AS_TEXT}
 * turns it into JSON wherever a job's text is asked for (a dead-letter entry, a log).
 */
public final class JobCodec {
    /** Made on first use only: {@link #AS_TEXT} is registered at every start, Jackson is not needed at every start. */
    private static final class Mapper {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    private JobCodec() {
    }

    /** Camel's conversion of a {@link Job} body to its JSON text. */
    public static final org.apache.camel.TypeConverter AS_TEXT = new org.apache.camel.support.TypeConverterSupport() {
        @Override
        public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
            return type.cast(toJson((Job) value));
        }
    };

    /**
     * The job a message carries: the {@link Job} itself (in-memory queue) or its JSON (SQS).
     *
     * @throws PoisonMessageException when the text is not a job
     */
    public static Job of(org.apache.camel.Message message) {
        return message.getBody() instanceof Job job ? job : fromJson(message.getBody(String.class));
    }

    public static String toJson(Job job) {
        try {
            return Mapper.MAPPER.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write job as JSON", e);
        }
    }

    /** @throws PoisonMessageException when the text is not a job */
    public static Job fromJson(String json) {
        try {
            Job job = Mapper.MAPPER.readValue(json, Job.class);
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
