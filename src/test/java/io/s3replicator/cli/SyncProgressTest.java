package io.s3replicator.cli;

import io.s3replicator.record.RunStats;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The progress of {@code sync} on stderr: on a terminal one live line redrawn in place with
 * '\r'; elsewhere (a pipe, a file, CI) the periodic lines, one per interval.
 */
class SyncProgressTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A run that found 4 objects of 10 MiB so far: one copied (1 MiB), one failed (2 MiB). */
    static RunStats running() {
        RunStats s = new RunStats("run", "sync");
        for (int i = 0; i < 4; i++) {
            s.jobEmitted();
        }
        s.foundBytes.add(10L << 20);
        s.copied(1L << 20);
        s.failed("bad.txt", "403 AccessDenied", 2L << 20);
        return s;
    }

    @Test
    void while_listing_the_live_line_counts_what_was_found_so_far_without_an_eta() {
        String line = SyncReport.liveLine(running());

        assertThat(line).startsWith("2/4+ objects, 3.0 MiB/10.0 MiB+, ").contains("/s, 1 failed, listing")
                .doesNotContain("ETA").doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void once_the_listing_is_complete_the_live_line_has_an_eta() {
        RunStats s = running();
        s.diffFinished();

        assertThat(SyncReport.liveLine(s)).startsWith("2/4 objects, 3.0 MiB/10.0 MiB, ").contains(", 1 failed, ETA ");
    }

    @Test
    void the_rate_and_eta_are_those_of_the_last_seconds_not_of_start_up() {
        SyncProgress progress = new SyncProgress(err, true);
        RunStats s = new RunStats("run", "sync");
        for (int i = 0; i < 100; i++) {
            s.jobEmitted();
        }
        s.foundBytes.add(100L << 20);
        s.diffFinished();
        long t0 = 0;
        progress.live(s, t0);
        progress.live(s, t0 + 30_000_000_000L); // 30 s of start-up and listing: nothing finished yet
        for (int i = 0; i < 10; i++) {
            s.copied(1L << 20);
        }
        // 10 objects, 10 MiB in the 2 s since: 5 MiB/s, 90 objects left at 5/s.
        String line = progress.live(s, t0 + 32_000_000_000L);

        assertThat(line).isEqualTo("10/100 objects, 10.0 MiB/100.0 MiB, 5.0 MiB/s, 0 failed, ETA 18s");
    }

    @Test
    void eta_reads_as_a_duration() {
        assertThat(SyncReport.duration(0)).isEqualTo("0s");
        assertThat(SyncReport.duration(59.4)).isEqualTo("59s");
        assertThat(SyncReport.duration(184)).isEqualTo("3m04s");
        assertThat(SyncReport.duration(2 * 3600 + 5 * 60)).isEqualTo("2h05m");
        assertThat(SyncReport.duration(26 * 3600)).isEqualTo("1d02h");
    }

    @Test
    void on_a_terminal_one_line_is_redrawn_in_place_and_ended_once() {
        SyncProgress progress = new SyncProgress(err, true);
        RunStats s = running();

        progress.update(s);
        s.copied(1L << 20);
        progress.update(s);
        s.diffFinished();
        progress.finish(s);

        String out = printed();
        assertThat(out).startsWith("\r").endsWith("\n");
        assertThat(out.chars().filter(c -> c == '\n').count()).as(out).isEqualTo(1);
        assertThat(out.split("\r", -1)).as(out).hasSize(4);
        assertThat(out).contains("\r2/4+ objects").contains("\r3/4+ objects").contains("\r3/4 objects");
    }

    @Test
    void a_shorter_line_blanks_what_is_left_of_a_longer_one() {
        SyncProgress progress = new SyncProgress(err, true);

        progress.draw("a long line of text");
        progress.draw("short");

        assertThat(printed()).isEqualTo("\ra long line of text\rshort              ");
    }

    @Test
    void a_line_wider_than_a_terminal_is_cut_so_the_redraw_stays_on_one_row() {
        SyncProgress progress = new SyncProgress(err, true);

        progress.draw("x".repeat(100));

        assertThat(printed()).isEqualTo("\r" + "x".repeat(SyncProgress.MAX_WIDTH));
    }

    @Test
    void elsewhere_the_periodic_lines_are_unchanged() {
        SyncProgress progress = new SyncProgress(err, false);
        RunStats s = running();

        progress.update(s);
        progress.finish(s);

        assertThat(printed()).startsWith("progress: listed 0 source / 0 destination | copied 1 (1.0 MiB) | ")
                .endsWith("s\n");
        assertThat(printed().lines().count()).isEqualTo(1);
    }

    @Test
    void nothing_is_printed_when_no_update_came() {
        SyncProgress progress = new SyncProgress(err, true);

        progress.finish(running());

        assertThat(printed()).isEmpty();
    }
}
