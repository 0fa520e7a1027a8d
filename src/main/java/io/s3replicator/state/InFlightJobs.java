package io.s3replicator.state;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

import javax.sql.DataSource;

/**
 * Camel's JDBC idempotent repository, made safe for concurrent adds of one key: its add is
 * check-then-insert, so two workers racing on the same job can both pass the check; the
 * loser's unique-key violation means "duplicate", not failure.
 */
public class InFlightJobs extends JdbcMessageIdRepository {

    public InFlightJobs(DataSource dataSource, String processorName) {
        super(dataSource, processorName);
    }

    @Override
    public boolean add(String key) {
        try {
            return super.add(key);
        } catch (DuplicateKeyException e) {
            return false;
        }
    }
}
