package io.s3replicator.record;

import io.s3replicator.config.ReportFormat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.s3replicator.model.ConfigException;
import io.s3replicator.config.ReplicationPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pair's report file: a line per job that reached an outcome, for audits and to feed the
 * failed keys back ({@code sync --from-report}). The first seven columns are those of an S3
 * Batch Operations completion report, in its order; the rest say what the replicator did.
 * One writer per file, shared by every worker thread; lines are whole (never interleaved).
 */
public final class ObjectReport implements AutoCloseable {
    /** Column names, the same in CSV (header line) and JSON lines (field names). */
    public static final List<String> COLUMNS = List.of("Bucket", "Key", "VersionId", "TaskStatus", "ErrorCode",
            "HTTPStatusCode", "ResultMessage", "Operation", "Size", "Outcome", "Reason", "Path", "SourceETag",
            "DestinationBucket", "DestinationKey", "DestinationETag", "DurationMs");
    /** Failure reasons from S3 start with the status and error code (S3Errors.describe): "403 AccessDenied: ...". */
    private static final Pattern STATUS_AND_CODE = Pattern.compile("^([1-5]\\d\\d)(?: ([A-Za-z][A-Za-z0-9.]*))?: ");
    private static final JsonFactory JSON = new JsonFactory();
    private static final Logger LOG = LoggerFactory.getLogger(ObjectReport.class);

    /** What became of one job; null fields are empty (CSV) or null (JSON). */
    public record Line(String key, String versionId, boolean failed, String operation, long size, String outcome,
                       String reason, String path, String sourceEtag, String destinationKey, String destinationEtag,
                       long millis) {
    }

    private final Path file;
    private final ReportFormat format;
    private final String sourceBucket;
    private final String destinationBucket;
    private final Writer out;
    private IOException error;
    private boolean closed;

    /**
     * @param append keep what the file holds (a long-running {@code run} across restarts); else start it anew
     */
    public ObjectReport(String field, ReplicationPair pair, Path file, ReportFormat format, boolean append) {
        this.file = file;
        this.format = format;
        this.sourceBucket = pair.source().bucket();
        this.destinationBucket = pair.destination().bucket();
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean fresh = !append || !Files.exists(file) || Files.size(file) == 0;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            if (fresh && format == ReportFormat.CSV) {
                out.write(String.join(",", COLUMNS) + "\n");
                out.flush();
            }
        } catch (IOException e) {
            throw new ConfigException(field, file + " cannot be written: " + e.getMessage());
        }
    }

    public synchronized void write(Line line) {
        if (error != null || closed) {
            return;
        }
        try {
            out.write(format == ReportFormat.CSV ? csv(values(line)) : json(values(line)));
            if (line.failed()) {
                out.flush();
            }
        } catch (IOException e) {
            error = e;
            LOG.error("report {}: cannot be written, no more lines go to it: {}", file, e.getMessage());
        }
    }

    /** The first write error, or null when every line reached the file. */
    public synchronized IOException error() {
        return error;
    }

    /** Writes what is buffered to the file ({@link ObjectReports} does every second). */
    public synchronized void flush() {
        if (error != null || closed) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            error = e;
            LOG.error("report {}: cannot be written, no more lines go to it: {}", file, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            if (error == null) {
                error = e;
            }
        }
    }

    private Object[] values(Line l) {
        String status = null;
        String code = null;
        if (l.failed() && l.reason() != null) {
            Matcher m = STATUS_AND_CODE.matcher(l.reason());
            if (m.find()) {
                status = m.group(1);
                code = m.group(2);
            }
        }
        return new Object[] {sourceBucket, l.key(), l.versionId(), l.failed() ? "failed" : "succeeded", code,
            status == null ? null : Integer.valueOf(status), l.failed() ? l.reason() : "Successful", l.operation(),
            l.size(), l.outcome(), l.reason(), l.path(), l.sourceEtag(), destinationBucket, l.destinationKey(),
            l.destinationEtag(), l.millis()};
    }

    /** RFC 4180: a field with a comma, quote, line break or edge whitespace is quoted, quotes doubled. */
    static String csv(Object[] values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String v = values[i] == null ? "" : values[i].toString();
            boolean quote = !v.isEmpty() && (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0
                    || v.indexOf('\r') >= 0 || Character.isWhitespace(v.charAt(0))
                    || Character.isWhitespace(v.charAt(v.length() - 1)));
            line.append(quote ? '"' + v.replace("\"", "\"\"") + '"' : v);
        }
        return line.append('\n').toString();
    }

    private static String json(Object[] values) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                if (v instanceof Number n) {
                    g.writeNumberField(COLUMNS.get(i), n.longValue());
                } else {
                    g.writeStringField(COLUMNS.get(i), v == null ? null : v.toString());
                }
            }
            g.writeEndObject();
        }
        return text.append('\n').toString();
    }
}
