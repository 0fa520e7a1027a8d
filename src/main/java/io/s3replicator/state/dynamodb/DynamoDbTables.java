package io.s3replicator.state.dynamodb;

import io.s3replicator.state.StateSettings;
import io.s3replicator.model.ConfigException;
import io.s3replicator.store.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up check of the two DynamoDB tables (the layout deploy/cdk creates): each must exist
 * with the expected keys. A missing table is created when allowed (on demand, TTL on
 * {@code expiresAt}: in-flight entries, and records kept for the retention) and waited for;
 * otherwise it is a one-line error naming the property.
 */
public final class DynamoDbTables {
    static final String JOB_TABLE_PROPERTY = StateSettings.PREFIX + "dynamodb.job-table";
    static final String IN_FLIGHT_TABLE_PROPERTY = StateSettings.PREFIX + "dynamodb.in-flight-table";
    static final String CREATE_PROPERTY = StateSettings.PREFIX + "dynamodb.create-tables";
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbTables.class);

    private DynamoDbTables() {
    }

    public static void ensure(DynamoDbClient client, String jobTable, String inFlightTable, boolean create, String where) {
        Map<String, ScalarAttributeType> jobKeys = new LinkedHashMap<>();
        jobKeys.put(DynamoDbJobStore.PK, ScalarAttributeType.S);
        jobKeys.put(DynamoDbJobStore.SK, ScalarAttributeType.S);
        ensure(client, JOB_TABLE_PROPERTY, jobTable, jobKeys, DynamoDbJobStore.EXPIRES_AT, create, where);
        ensure(client, IN_FLIGHT_TABLE_PROPERTY, inFlightTable, Map.of(DynamoDbInFlightJobs.ID, ScalarAttributeType.S),
                DynamoDbOwnedEntries.EXPIRES_AT, create, where);
    }

    /** @param keys hash key first, then the range key if any */
    private static void ensure(DynamoDbClient client, String property, String table, Map<String, ScalarAttributeType> keys,
                               String ttlAttribute, boolean create, String where) {
        try {
            TableDescription description;
            try {
                description = client.describeTable(b -> b.tableName(table)).table();
            } catch (ResourceNotFoundException e) {
                if (!create) {
                    throw new ConfigException(property, "DynamoDB table '" + table + "' does not exist (" + where
                            + "); create it (deploy/cdk does) or set " + CREATE_PROPERTY + "=true");
                }
                description = create(client, table, keys, ttlAttribute);
            }
            if (description.tableStatus() == TableStatus.CREATING) {
                try (DynamoDbWaiter waiter = client.waiter()) {
                    waiter.waitUntilTableExists(b -> b.tableName(table));
                }
            }
            checkKeys(property, table, description, keys);
            if (ttlAttribute != null && create) {
                // Also on a table of an earlier release, whose job table had no TTL.
                enableTtl(client, table, ttlAttribute);
            } else if (ttlAttribute != null && !ttlEnabled(client, table)) {
                LOG.warn("DynamoDB table {} has no TTL on {}: expired items stay until deleted (they are still"
                        + " treated as expired); enable it (deploy/cdk does)", table, ttlAttribute);
            }
        } catch (SdkClientException e) {
            throw new ConfigException(property, "cannot reach DynamoDB (" + where + "): "
                    + S3Errors.firstLine(e.getMessage()));
        } catch (DynamoDbException e) {
            throw new ConfigException(property, "DynamoDB table '" + table + "' (" + where + "): "
                    + S3Errors.firstLine(e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage()
                    : e.getMessage()));
        }
    }

    private static TableDescription create(DynamoDbClient client, String table, Map<String, ScalarAttributeType> keys,
                                           String ttlAttribute) {
        List<String> names = List.copyOf(keys.keySet());
        try {
            client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(names.stream().map(n -> AttributeDefinition.builder().attributeName(n)
                            .attributeType(keys.get(n)).build()).toList())
                    .keySchema(names.stream().map(n -> KeySchemaElement.builder().attributeName(n)
                            .keyType(n.equals(names.get(0)) ? KeyType.HASH : KeyType.RANGE).build()).toList()));
            LOG.info("created DynamoDB table {}", table);
        } catch (ResourceInUseException e) {
            // another worker is creating it at this moment: wait for it like ours
        }
        TableDescription description;
        try (DynamoDbWaiter waiter = client.waiter()) {
            description = waiter.waitUntilTableExists(b -> b.tableName(table)).matched().response()
                    .orElseThrow(() -> new IllegalStateException("table " + table + " did not become active"))
                    .table();
        }
        return description;
    }

    private static void enableTtl(DynamoDbClient client, String table, String ttlAttribute) {
        if (ttlEnabled(client, table)) {
            return;
        }
        try {
            client.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.enabled(true)
                    .attributeName(ttlAttribute)));
            LOG.info("enabled TTL on {} of DynamoDB table {}", ttlAttribute, table);
        } catch (DynamoDbException e) {
            // another worker may have enabled it at this moment
            LOG.debug("TTL on {}: {}", table, e.getMessage());
        }
    }

    private static void checkKeys(String property, String table, TableDescription description,
                                  Map<String, ScalarAttributeType> keys) {
        List<String> names = List.copyOf(keys.keySet());
        List<KeySchemaElement> schema = description.keySchema();
        boolean matches = schema.size() == names.size();
        for (KeySchemaElement element : schema) {
            String expectedType = element.keyType() == KeyType.HASH ? "HASH" : "RANGE";
            int index = names.indexOf(element.attributeName());
            matches &= index >= 0 && (index == 0 ? "HASH" : "RANGE").equals(expectedType);
            matches &= description.attributeDefinitions().stream().anyMatch(d -> d.attributeName()
                    .equals(element.attributeName()) && d.attributeType() == keys.get(element.attributeName()));
        }
        if (!matches) {
            throw new ConfigException(property, "DynamoDB table '" + table + "' has keys " + describe(schema)
                    + ", expected " + names + " (strings; see deploy/cdk)");
        }
    }

    private static String describe(List<KeySchemaElement> schema) {
        return schema.stream().map(e -> e.attributeName() + " " + e.keyTypeAsString()).toList().toString();
    }

    /** Best effort: a role allowed to use the table may not be allowed to describe its TTL. */
    private static boolean ttlEnabled(DynamoDbClient client, String table) {
        try {
            TimeToLiveStatus status = client.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription()
                    .timeToLiveStatus();
            return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
        } catch (DynamoDbException e) {
            LOG.debug("cannot read the TTL setting of {}: {}", table, e.getMessage());
            return true;
        }
    }
}
