package io.s3replicator.queue;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@code dlq} command does with the dead-letter queue: list its messages with their
 * reasons, and send them back to the job queue. SQS cannot peek, so listing receives the
 * messages and makes them visible again at once.
 */
public class DeadLetters {
    /** One dead job: its message id, the reason attributes, and the job (or raw body). */
    public record Entry(String messageId, String reason, String pair, String failedAt, String receives, String body) {
    }

    private static final int HOLD_SECONDS = 60;
    private final SqsQueues queues;

    public DeadLetters(SqsQueues queues) {
        this.queues = queues;
    }

    /** Up to {@code max} messages; they stay in the DLQ. */
    public List<Entry> list(int max) {
        List<Message> held = receive(max);
        List<Entry> entries = new ArrayList<>();
        for (Message m : held) {
            Map<String, MessageAttributeValue> a = m.messageAttributes();
            entries.add(new Entry(m.messageId(), text(a, SqsJobQueue.REASON), text(a, SqsJobQueue.PAIR),
                    text(a, SqsJobQueue.FAILED_AT), text(a, SqsJobQueue.RECEIVES), m.body()));
        }
        // Visible again for the workers' redrive or a later list.
        for (Message m : held) {
            queues.client().changeMessageVisibility(b -> b.queueUrl(queues.deadLetterUrl())
                    .receiptHandle(m.receiptHandle()).visibilityTimeout(0));
        }
        return entries;
    }

    /** Thrown when a redrive stops part-way: how many messages had moved by then. */
    public static class RedriveFailed extends RuntimeException {
        private final int moved;

        RedriveFailed(int moved, SdkException cause) {
            super(cause.getMessage(), cause);
            this.moved = moved;
        }

        public int moved() {
            return moved;
        }
    }

    /**
     * Moves up to {@code max} messages back to the job queue, body unchanged; returns how many.
     * Ten at a time, each sent then deleted at once: a message is hidden only while it moves, so
     * a DLQ of any size drains, and its receipt handle is always fresh.
     */
    public int redrive(int max) {
        int moved = 0;
        int emptyPolls = 0;
        while (moved < max && emptyPolls < 2) {
            int want = Math.min(10, max - moved);
            try {
                List<Message> got = queues.client().receiveMessage(b -> b.queueUrl(queues.deadLetterUrl())
                        .maxNumberOfMessages(want).waitTimeSeconds(1).visibilityTimeout(HOLD_SECONDS)).messages();
                emptyPolls = got.isEmpty() ? emptyPolls + 1 : 0;
                for (Message m : got) {
                    // Sent first, deleted second: a crash in between duplicates a job (the in-flight
                    // table and the destination marker absorb it), never loses one.
                    queues.client().sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody(m.body()));
                    queues.client().deleteMessage(b -> b.queueUrl(queues.deadLetterUrl()).receiptHandle(m.receiptHandle()));
                    moved++;
                }
            } catch (SdkException e) {
                throw new RedriveFailed(moved, e);
            }
        }
        return moved;
    }

    /** For listing: distinct messages, hidden while listed, until {@code max} or the queue looks empty. */
    private List<Message> receive(int max) {
        List<Message> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int emptyPolls = 0;
        while (out.size() < max && emptyPolls < 2) {
            int want = Math.min(10, max - out.size());
            List<Message> got = queues.client().receiveMessage(b -> b.queueUrl(queues.deadLetterUrl())
                    .maxNumberOfMessages(want).waitTimeSeconds(1).visibilityTimeout(HOLD_SECONDS)
                    .messageAttributeNames("All").messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            emptyPolls = got.isEmpty() ? emptyPolls + 1 : 0;
            for (Message m : got) {
                if (seen.add(m.messageId())) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private static String text(Map<String, MessageAttributeValue> attributes, String name) {
        MessageAttributeValue v = attributes.get(name);
        return v == null ? null : v.stringValue();
    }
}
