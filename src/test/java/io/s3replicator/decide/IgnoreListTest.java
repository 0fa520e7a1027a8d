package io.s3replicator.decide;

import io.s3replicator.config.IgnoreList;

import io.s3replicator.model.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgnoreListTest {
    @Test
    void bucket_key_patterns_with_star_and_question_mark() {
        IgnoreList list = IgnoreList.parse("p.ignore", "logs-bucket/tmp/*,*.part,*/_SUCCESS,data/file-?.csv", null, null);
        assertThat(list.ignores("logs-bucket", "tmp/a/b.txt")).as("* crosses /").isTrue();
        assertThat(list.ignores("other-bucket", "tmp/a.txt")).isFalse();
        assertThat(list.ignores("any", "x/y/upload.part")).isTrue();
        assertThat(list.ignores("any", "out/_SUCCESS")).isTrue();
        assertThat(list.ignores("data", "file-1.csv")).isTrue();
        assertThat(list.ignores("data", "file-12.csv")).as("? is one character").isFalse();
        assertThat(list.ignores("data", "keep.csv")).isFalse();
        assertThat(IgnoreList.NONE.ignores("b", "k")).isFalse();
    }

    @Test
    void patterns_come_from_a_file_too_and_bad_ones_name_the_field(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ignore.txt"), "# scratch space\nbkt/scratch/*\n\n*.tmp\n");
        IgnoreList list = IgnoreList.parse("p.ignore", "*.bak", "p.ignoreFile", file.toString());
        assertThat(list.patterns()).containsExactly("*.bak", "bkt/scratch/*", "*.tmp");
        assertThatThrownBy(() -> IgnoreList.parse("p.ignore", "justakey", null, null))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("p.ignore:");
        assertThatThrownBy(() -> IgnoreList.parse("p.ignore", "", "p.ignoreFile", dir.resolve("missing").toString()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("p.ignoreFile:");
    }
}
