package io.s3replicator.decide;

import io.s3replicator.config.KeyFilter;

import io.s3replicator.model.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFilterTest {
    @Test
    void no_patterns_accept_everything() {
        assertThat(KeyFilter.ALL.accepts("any/thing")).isTrue();
    }

    @Test
    void star_stays_in_one_segment_and_double_star_crosses_them() {
        KeyFilter f = KeyFilter.of(List.of("/logs/*.gz"), List.of());
        assertThat(f.accepts("logs/a.gz")).isTrue();
        assertThat(f.accepts("logs/2024/a.gz")).isFalse();
        KeyFilter deep = KeyFilter.of(List.of("/logs/**.gz"), List.of());
        assertThat(deep.accepts("logs/2024/01/a.gz")).isTrue();
    }

    @Test
    void an_unanchored_pattern_matches_the_whole_key_or_a_tail_after_a_slash() {
        KeyFilter f = KeyFilter.of(List.of("*.jpg"), List.of());
        assertThat(f.accepts("a.jpg")).isTrue();
        assertThat(f.accepts("x/y/a.jpg")).isTrue();
        assertThat(f.accepts("x/a.jpg.bak")).isFalse();
    }

    @Test
    void excludes_win_over_includes() {
        KeyFilter f = KeyFilter.of(List.of("*.log"), List.of("/tmp/**"));
        assertThat(f.accepts("app/x.log")).isTrue();
        assertThat(f.accepts("tmp/x.log")).isFalse();
        assertThat(f.accepts("app/x.txt")).isFalse();
    }

    @Test
    void question_mark_classes_and_escapes() {
        assertThat(KeyFilter.of(List.of("/file?.txt"), List.of()).accepts("file1.txt")).isTrue();
        assertThat(KeyFilter.of(List.of("/file?.txt"), List.of()).accepts("file/.txt")).isFalse();
        assertThat(KeyFilter.of(List.of("/v[0-9].bin"), List.of()).accepts("v7.bin")).isTrue();
        assertThat(KeyFilter.of(List.of("/v[!0-9].bin"), List.of()).accepts("v7.bin")).isFalse();
        assertThat(KeyFilter.of(List.of("/what\\*.txt"), List.of()).accepts("what*.txt")).isTrue();
        assertThat(KeyFilter.of(List.of("/what\\*.txt"), List.of()).accepts("whatever.txt")).isFalse();
        assertThat(KeyFilter.of(List.of("/a+b (1).txt"), List.of()).accepts("a+b (1).txt")).isTrue();
    }

    @Test
    void broken_globs_are_named() {
        assertThatThrownBy(() -> KeyFilter.of(List.of("[abc"), List.of()))
                .isInstanceOf(ConfigException.class).hasMessage("include: glob '[abc' has an unclosed '['");
        assertThatThrownBy(() -> KeyFilter.of(List.of(), List.of("x\\")))
                .isInstanceOf(ConfigException.class).hasMessage("exclude: glob 'x\\' ends with a lone backslash");
    }
}
