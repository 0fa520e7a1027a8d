package io.s3replicator.discover.inventory;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.InventoryReports;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.s3replicator.testing.InventoryReports.row;
import static io.s3replicator.testing.InventoryReports.rowOf;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code sync --inventory}: the source's objects come from an S3 Inventory report, not a listing. */
class InventorySyncTest extends TwoEndpoints {

    CliRun sync(String from, String to, String manifestUri, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0",
                "--inventory", manifestUri));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void copies_exactly_the_inventoried_objects_missing_or_different_at_the_destination() {
        String a = Buckets.create(src, "inv-src");
        String b = Buckets.create(dst, "inv-dst");
        String reports = Buckets.create(src, "inv-reports");
        List<String> inStep = List.of("a in step.txt", "dir/", "plus+sign.txt", "%41 percent.txt");
        for (String key : inStep) {
            Buckets.put(src, a, key, "same " + key);
            Buckets.put(dst, b, key, "same " + key);
        }
        Buckets.put(src, a, "différent size.txt", "new content");
        Buckets.put(dst, b, "différent size.txt", "old");
        Buckets.put(src, a, "same-size.txt", "aaaa");
        Buckets.put(dst, b, "same-size.txt", "bbbb");
        List<String> missing = List.of("missing 100%.txt", "emoji-\uD83D\uDE00.txt", "deep/a/b/c.txt", "z~tilde+plus");
        for (String key : missing) {
            Buckets.put(src, a, key, "body of " + key);
        }
        Buckets.put(src, a, "not-in-inventory.txt", "never listed");
        Buckets.put(src, a, "changed-since.txt", "the version the inventory saw");
        String[] changedRow = rowOf(src, a, "changed-since.txt");
        Buckets.put(src, a, "changed-since.txt", "written after the inventory ran: this is copied");

        // Three data files, each in key order, the third's keys interleaved with the others'.
        List<String[]> file1 = List.of(rowOf(src, a, "%41 percent.txt"), rowOf(src, a, "a in step.txt"),
                changedRow, rowOf(src, a, "deep/a/b/c.txt"), row(a, "deleted-since.txt", 5, "0123456789abcdef0123456789abcdef"));
        List<String[]> file2 = List.of(rowOf(src, a, "dir/"), rowOf(src, a, "différent size.txt"),
                rowOf(src, a, "emoji-\uD83D\uDE00.txt"), rowOf(src, a, "z~tilde+plus"));
        List<String[]> file3 = List.of(rowOf(src, a, "missing 100%.txt"),
                row(a, "not-in-inventory.txt", "v1", false, false, 12, "0123456789abcdef0123456789abcdef"),
                row(a, "old-delete.txt", "v2", true, true, 0, ""),
                rowOf(src, a, "plus+sign.txt"), rowOf(src, a, "same-size.txt"));
        String manifest = InventoryReports.deliver(src, reports, "inventory/", a, "2026-11-29T00-00Z",
                List.of(file1, file2, file3));

        // Three data files joined at once; the second run below reads them one after another.
        CliRun run = sync("s3://" + a, "s3://" + b, "s3://" + reports + "/" + manifest, "--listing-threads", "3");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).as(run.toString()).isEqualTo(7);
        for (String key : missing) {
            assertThat(Buckets.get(dst, b, key)).as(key).isEqualTo(("body of " + key).getBytes());
        }
        assertThat(Buckets.get(dst, b, "différent size.txt")).isEqualTo("new content".getBytes());
        assertThat(Buckets.get(dst, b, "same-size.txt")).isEqualTo("aaaa".getBytes());
        assertThat(Buckets.get(dst, b, "changed-since.txt"))
                .isEqualTo("written after the inventory ran: this is copied".getBytes());
        assertThat(Buckets.keys(dst, b)).doesNotContain("not-in-inventory.txt", "deleted-since.txt", "old-delete.txt")
                .hasSize(inStep.size() + 2 + missing.size() + 1);

        // The report again: everything it names is in step now.
        CliRun again = sync("s3://" + a, "s3://" + b, "s3://" + reports + "/" + manifest);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.count("copied")).as(again.toString()).isZero();
    }

    @Test
    void a_data_file_out_of_key_order_never_copies_what_the_destination_holds() {
        String a = Buckets.create(src, "inv-order-src");
        String b = Buckets.create(dst, "inv-order-dst");
        String reports = Buckets.create(src, "inv-order-reports");
        for (String key : List.of("b-held", "c-held", "d-held")) {
            Buckets.put(src, a, key, "held " + key);
            Buckets.put(dst, b, key, "held " + key);
        }
        Buckets.put(src, a, "a-missing", "copy me");
        Buckets.put(src, a, "z-missing", "copy me too");
        // z first: a merge trusting the order would have passed every destination key before b, c, d.
        List<String[]> unsorted = List.of(rowOf(src, a, "z-missing"), rowOf(src, a, "b-held"),
                rowOf(src, a, "a-missing"), rowOf(src, a, "d-held"), rowOf(src, a, "c-held"));
        String manifest = InventoryReports.deliver(src, reports, "", a, "2026-11-29T00-00Z", List.of(unsorted));

        CliRun run = sync("s3://" + a, "s3://" + b, "s3://" + reports + "/" + manifest);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).as(run.toString()).isEqualTo(2);
        assertThat(Buckets.get(dst, b, "a-missing")).isEqualTo("copy me".getBytes());
        assertThat(Buckets.get(dst, b, "z-missing")).isEqualTo("copy me too".getBytes());
    }

    @Test
    void a_manifest_that_does_not_match_its_checksum_copies_nothing_and_says_why() {
        String a = Buckets.create(src, "inv-sum-src");
        String b = Buckets.create(dst, "inv-sum-dst");
        String reports = Buckets.create(src, "inv-sum-reports");
        Buckets.put(src, a, "k", "v");
        String manifest = InventoryReports.deliver(src, reports, "", a, "2026-11-29T00-00Z",
                List.of(List.<String[]>of(rowOf(src, a, "k"))));
        String checksumKey = manifest.replace("manifest.json", "manifest.checksum");
        Buckets.put(src, reports, checksumKey, "00000000000000000000000000000000");

        CliRun run = sync("s3://" + a, "s3://" + b, "s3://" + reports + "/" + manifest);

        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.out() + run.err()).contains("manifest.json does not match manifest.checksum");
        assertThat(Buckets.keys(dst, b)).isEmpty();
    }

    @Test
    void a_parquet_or_orc_report_is_refused_with_a_clear_error() {
        String a = Buckets.create(src, "inv-fmt-src");
        String b = Buckets.create(dst, "inv-fmt-dst");
        String reports = Buckets.create(src, "inv-fmt-reports");
        Buckets.put(src, a, "k", "v");
        String manifest = InventoryReports.deliver(src, reports, "", a, "2026-11-29T00-00Z", "Parquet",
                "message s3.inventory { required binary bucket (STRING); required binary key (STRING); }",
                List.of());

        CliRun run = sync("s3://" + a, "s3://" + b, "s3://" + reports + "/" + manifest);

        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.out() + run.err()).contains("inventory format Parquet is not supported");
        assertThat(Buckets.keys(dst, b)).isEmpty();
    }
}
