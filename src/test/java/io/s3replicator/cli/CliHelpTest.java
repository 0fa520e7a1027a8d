package io.s3replicator.cli;

import io.s3replicator.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first minutes of a new user, through the real entry point in its own JVM: every
 * command's help, the version, and the commonest mistakes. Each assertion is on the WHOLE of
 * stdout and stderr and on the exit code, so a stray line (a library's status output, a log
 * line, a stack trace) fails it.
 */
class CliHelpTest {
    /** Every command and subcommand, as typed. */
    static final List<List<String>> COMMANDS = List.of(List.of(), List.of("sync"), List.of("run"), List.of("verify"),
            List.of("dlq"), List.of("dlq", "list"), List.of("dlq", "redrive"));

    @TempDir
    Path dir;

    static CliRun cli(String... args) {
        return CliRun.process(env -> { }, args);
    }

    static String[] with(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The usage text picocli renders for a command: what its --help must print, and nothing else. */
    static String usage(List<String> command) {
        PrintStream none = new PrintStream(PrintStream.nullOutputStream());
        CommandLine cmd = new CommandLine(new RootCommand(none, none));
        for (String name : command) {
            cmd = cmd.getSubcommands().get(name);
        }
        return cmd.getUsageMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void every_command_prints_its_help_and_only_its_help(String flag) {
        for (List<String> command : COMMANDS) {
            CliRun run = cli(with(command, flag));
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.err()).as(run.toString()).isEmpty();
            assertThat(run.out()).as(run.toString()).isEqualTo(usage(command));
            assertThat(run.out()).as(run.toString())
                    .startsWith("Usage: " + String.join(" ", with(List.of("s3-replicator"), command.toArray(String[]::new))) + " ")
                    .contains("\nExamples:\n");
        }
    }

    @Test
    void every_help_starts_with_a_whole_sentence_and_shows_runnable_examples() {
        for (List<String> command : COMMANDS) {
            String help = usage(command);
            String description = help.lines().skip(1).dropWhile(l -> l.startsWith(" ")).findFirst().orElseThrow();
            assertThat(description).as(help).matches("[A-Z].*\\.");
            List<String> examples = help.substring(help.indexOf("\nExamples:\n")).lines()
                    .filter(l -> l.strip().startsWith("s3-replicator ")).toList();
            assertThat(examples).as(help).isNotEmpty()
                    .allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(80)
                            .startsWith("  s3-replicator " + String.join(" ", command)));
        }
    }

    @Test
    void the_command_list_has_one_whole_sentence_per_command() {
        CliRun run = cli("--help");
        assertThat(run.out()).as(run.toString()).isEqualTo("""
                Usage: s3-replicator [-hV] [COMMAND]
                Keeps S3 buckets in step across accounts, partitions and S3-compatible clouds.
                  -h, --help      Show this help message and exit.
                  -V, --version   Print version information and exit.
                Commands:
                  sync    Copy what is missing or changed from SOURCE to DESTINATION once.
                  run     Keep the replication pairs of a routes directory in step.
                  verify  Compare SOURCE and DESTINATION and name every difference.
                  dlq     List or redrive the jobs that failed for good.

                Examples:
                  s3-replicator sync s3://src-bucket/logs s3://dst-bucket/logs
                  s3-replicator run --routes routes
                  s3-replicator sync --help
                """);
    }

    @Test
    void sync_help_explains_delete_dry_run_and_json_and_shows_them_in_examples() {
        String help = usage(List.of("sync"));
        assertThat(help).contains("""
                Copy what is missing or changed from SOURCE to DESTINATION once.
                Lists both sides, copies the differences, prints progress on stderr and a
                summary on stdout. With --delete, also deletes destination objects whose source
                is gone.
                """);
        assertThat(help).contains("""
                      --dry-run              list and compare, report what would be copied (and
                                               deleted), write nothing
                      --delete               delete destination objects whose source is gone:
                                               only those this pair (same source and
                                               destination) wrote at that key, unless
                                               --delete-unowned; excluded keys never
                      --delete-unowned       with --delete, also delete the destination objects
                                               it did not write: every object under the
                                               destination prefix without a source (rclone sync)
                """);
        assertThat(help).contains("""
                      --progress=SECONDS     seconds between progress lines on stderr, 0 for
                                               none; on a terminal one live line instead
                                               (default: 2)
                      --json                 print the summary as one JSON object on stdout
                """);
        assertThat(help).contains("""
                      --report=FILE          write one line per object acted on to FILE: key,
                                               size, outcome, reason, path, ETags, duration
                                               (CSV for .csv, JSON lines for .jsonl)
                      --report-format=FORMAT csv or jsonl, whatever the --report file is called
                                               (default: by its extension)
                      --from-report=FILE     retry exactly the objects a --report FILE of an
                                               earlier sync lists as failed, instead of listing
                                               both buckets
                """);
        assertThat(help.substring(help.indexOf("\nExamples:\n"))).isEqualTo("""

                Examples:
                  # Copy a prefix to another account, with the AWS profile 'backup' there:
                  s3-replicator sync s3://src/logs s3://dst/logs --dest-profile backup
                  # List and compare only; say what would be copied:
                  s3-replicator sync s3://src s3://dst --dry-run
                  # Mirror: also delete the copies it made whose source is gone:
                  s3-replicator sync s3://src s3://dst --delete
                  # What a full mirror (like rclone sync) would delete, deleting nothing:
                  s3-replicator sync s3://src s3://dst --delete --delete-unowned --dry-run
                  # The summary as one JSON object, for a script:
                  s3-replicator sync s3://src s3://dst --json > summary.json
                  # A line per object acted on, then retry only the objects that failed:
                  s3-replicator sync s3://src s3://dst --report run1.csv
                  s3-replicator sync s3://src s3://dst --from-report run1.csv --report run2.csv
                  # From Alibaba Cloud OSS, keys in OSS_ACCESS_KEY_ID, OSS_SECRET_ACCESS_KEY:
                  s3-replicator sync s3://src s3://dst --source-provider oss \\
                      --source-region cn-hangzhou --source-credentials env:OSS
                  # To MinIO, only the .csv files:
                  s3-replicator sync s3://src s3://dst --dest-provider minio \\
                      --dest-endpoint http://minio:9000 --include '*.csv'
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void the_version_names_the_build_and_its_commit(String flag) {
        CliRun run = cli(flag);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as(run.toString()).isEmpty();
        assertThat(run.out()).as(run.toString()).matches("s3-replicator \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit "
                + Pattern.quote(headCommit()) + "\\)\n");
        assertThat(cli("sync", flag).out()).isEqualTo(run.out());
    }

    /** The checkout's commit as the build reads it, or "unknown" outside a checkout (a source tarball). */
    static String headCommit() {
        if (!Files.exists(Path.of(".git"))) {
            return "unknown";
        }
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String commit = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 && !commit.isEmpty() ? commit : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void assertOneErrorLine(CliRun run, String line) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.err()).as(run.toString()).isEqualTo(line + "\n");
    }

    @Test
    void no_command_and_unknown_flags_are_one_line() {
        assertOneErrorLine(cli(), "s3-replicator: a command is required: sync, run, verify or dlq (see 's3-replicator --help')");
        assertOneErrorLine(cli("sync", "s3://bucket-a", "s3://bucket-b", "--frobnicate"),
                "s3-replicator: Unknown option: '--frobnicate' (see 's3-replicator sync --help')");
        assertOneErrorLine(cli("sync", "s3://bucket-a", "s3://bucket-b", "--dry-rn"),
                "s3-replicator: Unknown option: '--dry-rn'; did you mean '--dry-run'? (see 's3-replicator sync --help')");
        assertOneErrorLine(cli("sync", "s3://bucket-a", "s3://bucket-b", "--delete-unowned"),
                "s3-replicator: --delete-unowned deletes nothing without --delete (see 's3-replicator sync --help')");
    }

    @Test
    void missing_credentials_are_one_line_without_a_repeated_prefix() {
        CliRun run = CliRun.process(env -> withoutCredentials(env, dir), "sync", "s3://bucket-a", "s3://bucket-b",
                "--source-endpoint", "http://127.0.0.1:9", "--dest-endpoint", "http://127.0.0.1:9", "--path-style",
                "--progress", "0", "--state-dir", dir.resolve("state").toString());
        assertOneErrorLine(run, "s3-replicator: source: no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                + " use --source-profile, or another credential source; see the README)");
    }

    /**
     * A second process on a state directory a running replicator holds: one line naming the
     * directory, no connection pool's stack trace (HikariCP logs its failed start at ERROR).
     */
    @Test
    void a_state_directory_another_process_holds_is_one_line() {
        Path state = dir.resolve("held-state");
        try (io.s3replicator.state.jdbc.EmbeddedDatabase held = new io.s3replicator.state.jdbc.EmbeddedDatabase(state)) {
            CliRun run = CliRun.process(env -> { }, "sync", "s3://bucket-a", "s3://bucket-b",
                    "--source-endpoint", "http://127.0.0.1:9", "--dest-endpoint", "http://127.0.0.1:9", "--path-style",
                    "--progress", "0", "--state-dir", state.toString());
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.out()).as(run.toString()).isEmpty();
            assertThat(run.err()).as(run.toString())
                    .startsWith("s3-replicator: state-dir: cannot open the state database in " + state + ": ")
                    .contains("in use").endsWith("\n");
            assertThat(run.err().lines().count()).as(run.toString()).isEqualTo(1);
        }
    }

    @Test
    void a_misspelt_routes_parameter_stops_run_in_one_line_naming_the_closest() throws IOException {
        assertOneErrorLine(run("- {name: schedul, value: \"0 0 * * * ?\"}"),
                "s3-replicator: beijing.schedul: unknown parameter; did you mean 'schedule'?");
    }

    @Test
    void a_bad_cron_stops_run_in_one_line() throws IOException {
        assertOneErrorLine(run("- {name: schedule, value: \"every night\"}"),
                "s3-replicator: beijing.schedule: 'every night' is not a Quartz cron expression"
                        + " (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 * * * ?')");
    }

    /** {@code run} on one pair with one more parameter; no management port, no credentials needed before the error. */
    CliRun run(String parameter) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("pairs.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: beijing
                    parameters:
                      - {name: source, value: "s3://bucket-a?endpoint=http://127.0.0.1:9"}
                      - {name: destination, value: "s3://bucket-b?endpoint=http://127.0.0.1:9"}
                      %s
                """.formatted(parameter));
        Path properties = Files.writeString(dir.resolve("test.properties"),
                "camel.management.enabled = false\ncamel.metrics.enabled = false\n");
        return CliRun.process(env -> withoutCredentials(env, dir), "run", "--routes", routes.toString(),
                "--properties", properties.toString(), "--state-dir", dir.resolve("state").toString());
    }

    /** A machine with no AWS credentials anywhere the SDK looks, and no instance metadata to ask. */
    static void withoutCredentials(Map<String, String> env, Path dir) {
        List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "LOG_FORMAT").forEach(env::remove);
        env.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_REGION", "us-east-1");
    }
}
