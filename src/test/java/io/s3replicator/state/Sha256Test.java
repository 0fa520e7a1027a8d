package io.s3replicator.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Stored ids are these hashes: a change here would orphan every recorded key. */
class Sha256Test {
    @Test
    void of_text_is_the_plain_sha256_of_the_utf8_bytes() {
        // FIPS 180-2 test vector.
        assertThat(Sha256.ofText("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void hex_prefixes_each_part_with_its_length() {
        assertThat(Sha256.hex("a", "bc")).isEqualTo(Sha256.ofText("1:a2:bc"));
        assertThat(Sha256.hex("a\n", "b")).isNotEqualTo(Sha256.hex("a", "\nb"));
        assertThat(Sha256.hex((String) null)).isEqualTo(Sha256.ofText("0:"));
    }
}
