package io.s3replicator.state.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Short names for the two kinds of attribute value the DynamoDB stores write. */
final class DynamoDbValues {
    private DynamoDbValues() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
