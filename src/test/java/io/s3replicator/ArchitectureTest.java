package io.s3replicator;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package map of docs/restructure-plan.md ("Target layers"): no cycle between top-level
 * packages, and no package importing one above it in the layer order, which puts the stages in
 * data-flow order (discover, decide, transfer, record; the queue is the medium below them).
 * Bytecode misses compile-time constants, so the order is checked on source imports too.
 */
class ArchitectureTest {
    private static final String ROOT = "io.s3replicator";

    /** Top to bottom: a package may import its own subpackages and the packages below it. */
    private static final List<String> LAYERS = List.of(
            "", "cli", "wiring", "observe", "discover", "decide", "transfer", "record",
            "queue", "state", "config", "store", "model");

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void top_level_packages_have_no_cycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void no_class_depends_on_a_package_above_its_own() {
        Set<String> violations = new TreeSet<>();
        for (JavaClass c : MAIN) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = d.getTargetClass().getPackageName();
                if (target.startsWith(ROOT) && upward(c.getPackageName(), target)) {
                    violations.add(topLevel(c) + " -> " + topLevel(d.getTargetClass()));
                }
            }
        }
        assertThat(violations).as("dependencies against the layer order").isEmpty();
    }

    @Test
    void no_source_file_imports_a_package_above_its_own() throws IOException {
        Pattern pkg = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
        Pattern imp = Pattern.compile("^import\\s+(?:static\\s+)?(io\\.s3replicator[\\w.]*?)\\.[A-Z][\\w.]*\\s*;", Pattern.MULTILINE);
        Set<String> violations = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher p = pkg.matcher(text);
                if (!p.find()) continue;
                Matcher m = imp.matcher(text);
                while (m.find()) {
                    if (upward(p.group(1), m.group(1))) {
                        violations.add(file.getFileName() + " imports " + m.group(1));
                    }
                }
            }
        }
        assertThat(violations).as("imports against the layer order").isEmpty();
    }

    @Test
    void the_state_interfaces_never_import_their_implementations() {
        Set<String> violations = new TreeSet<>();
        for (JavaClass c : MAIN) {
            if (!c.getPackageName().equals(ROOT + ".state")) continue;
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                if (d.getTargetClass().getPackageName().startsWith(ROOT + ".state.")) {
                    violations.add(topLevel(c) + " -> " + topLevel(d.getTargetClass()));
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** True when {@code from} may not import {@code to}: {@code to} sits above it in {@link #LAYERS}. */
    static boolean upward(String from, String to) {
        String a = top(from), b = top(to);
        if (a.equals(b)) return false;
        return layer(b) < layer(a);
    }

    private static String top(String pkg) {
        if (pkg.equals(ROOT)) return "";
        String rest = pkg.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static int layer(String top) {
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String name : LAYERS.get(i).split("\\|", -1)) {
                if (name.equals(top)) return i;
            }
        }
        throw new AssertionError("package " + ROOT + "." + top + " has no layer in docs/restructure-plan.md");
    }

    private static String topLevel(JavaClass c) {
        String name = c.getName();
        int dollar = name.indexOf('$');
        return (dollar < 0 ? name : name.substring(0, dollar)).substring(ROOT.length() + 1);
    }
}
