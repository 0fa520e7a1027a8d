package io.s3replicator.config;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication-pair parameters are written in three places a user reads: the template
 * (what Camel runs), its Kamelet-style schema (types, defaults, examples) and the README's table.
 * They must agree, and every pair shown to users (the sample routes file, the README's examples)
 * must be valid against the schema.
 */
class ReplicationPairSchemaTest {
    private static final Path TEMPLATE = Path.of("src/main/resources/routes/replication-pair.camel.yaml");
    private static final Path SCHEMA = Path.of("src/main/resources/routes/replication-pair.schema.yaml");

    @SuppressWarnings("unchecked")
    private static Object yaml(String text) {
        return new Load(LoadSettings.builder().build()).loadFromString(text);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema() throws IOException {
        return (Map<String, Object>) yaml(Files.readString(SCHEMA));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> properties() throws IOException {
        return (Map<String, Map<String, Object>>) schema().get("properties");
    }

    /** Name -> default value (null when required), in the template's order. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> templateParameters() throws IOException {
        List<Map<String, Object>> doc = (List<Map<String, Object>>) yaml(Files.readString(TEMPLATE));
        Map<String, Object> template = (Map<String, Object>) doc.get(0).get("routeTemplate");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) template.get("parameters")) {
            out.put((String) p.get("name"), p.containsKey("defaultValue") ? String.valueOf(p.get("defaultValue")) : null);
        }
        return out;
    }

    @Test
    void the_schema_names_every_template_parameter_with_its_default_and_no_other() throws IOException {
        Map<String, String> template = templateParameters();
        Map<String, Map<String, Object>> properties = properties();

        assertThat(properties.keySet()).containsExactlyElementsOf(template.keySet());
        List<String> required = new ArrayList<>();
        template.forEach((name, defaultValue) -> {
            Map<String, Object> p = properties.get(name);
            assertThat(p).as(name).containsKeys("title", "description", "type");
            if (defaultValue == null) {
                required.add(name);
                assertThat(p).as(name).doesNotContainKey("default");
            } else {
                assertThat(String.valueOf(p.get("default"))).as(name + " default").isEqualTo(defaultValue);
            }
        });
        assertThat(schema().get("required")).isEqualTo(required);
    }

    @Test
    void the_readme_table_lists_every_parameter_with_the_same_default() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher row = Pattern.compile("^\\| `(\\w+)` \\| ([^|]+) \\|", Pattern.MULTILINE)
                .matcher(readme.substring(readme.indexOf("| parameter | default | meaning |")));
        Map<String, String> table = new LinkedHashMap<>();
        while (row.find() && !table.containsKey(row.group(1))) {
            table.put(row.group(1), row.group(2).strip());
            if (table.size() == templateParameters().size()) {
                break;
            }
        }
        Map<String, Map<String, Object>> properties = properties();
        assertThat(table.keySet()).containsExactlyInAnyOrderElementsOf(properties.keySet());
        table.forEach((name, shown) -> {
            Object defaultValue = properties.get(name).get("default");
            if (defaultValue == null) {
                assertThat(shown).as(name).isEqualTo("required");
            } else if (String.valueOf(defaultValue).isEmpty()) {
                assertThat(shown).as(name).startsWith("(");
            } else {
                assertThat(shown).as(name).startsWith("`" + defaultValue + "`");
            }
        });
    }

    @Test
    void the_sample_pairs_and_the_readme_examples_are_valid_pairs() throws IOException {
        List<String> documents = new ArrayList<>();
        try (var samples = Files.list(Path.of("samples/routes"))) {
            for (Path p : samples.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                documents.add(Files.readString(p));
            }
        }
        Matcher block = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(Path.of("README.md")));
        while (block.find()) {
            if (block.group(1).contains("templatedRoute")) {
                documents.add(block.group(1));
            }
        }
        int pairs = 0;
        for (String document : documents) {
            for (Map<String, String> pair : pairsIn(document)) {
                assertValid(pair);
                pairs++;
            }
        }
        assertThat(pairs).as("pairs checked").isGreaterThanOrEqualTo(5);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, String>> pairsIn(String document) {
        List<Map<String, String>> pairs = new ArrayList<>();
        for (Object entry : (List<Object>) yaml(document)) {
            Map<String, Object> templated = (Map<String, Object>) ((Map<String, Object>) entry).get("templatedRoute");
            if (templated == null || !"replication-pair".equals(templated.get("routeTemplateRef"))) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (Map<String, Object> p : (List<Map<String, Object>>) templated.get("parameters")) {
                parameters.put(camelCase((String) p.get("name")), String.valueOf(p.get("value")));
            }
            pairs.add(parameters);
        }
        return pairs;
    }

    /** Parameter names may be written in kebab case (dry-run), as the template accepts them. */
    private static String camelCase(String name) {
        Matcher m = Pattern.compile("-(\\w)").matcher(name);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(1).toUpperCase());
        }
        return m.appendTail(out).toString();
    }

    private void assertValid(Map<String, String> pair) {
        Map<String, Map<String, Object>> properties;
        try {
            properties = properties();
            assertThat(pair.keySet()).as(pair.toString()).containsAll(castList(schema().get("required")));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        pair.forEach((name, value) -> {
            Map<String, Object> p = properties.get(name);
            assertThat(p).as("parameter " + name + " of " + pair).isNotNull();
            if ("boolean".equals(p.get("type")) && !value.startsWith("{{")) {
                assertThat(value).as(name).isIn("true", "false");
            }
            if (p.containsKey("pattern") && !value.startsWith("{{")) {
                assertThat(Pattern.compile((String) p.get("pattern")).matcher(value).find()).as(name + " = " + value).isTrue();
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return (List<String>) o;
    }
}
