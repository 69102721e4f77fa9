package org.pooling4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pooling4j.cli.CliTest.cli;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The help reads cleanly at 80 columns: whole sentences, every command, one placeholder style. */
class HelpTextTest {
    private static final List<String> COMMANDS = List.of(
            "demo",
            "train",
            "eval",
            "digits",
            "study",
            "run",
            "explain",
            "image",
            "report",
            "top",
            "onnx-test",
            "onnx-run",
            "bench",
            "tune",
            "spark",
            "spark-bench",
            "help");

    private static void assertFitsIn80Columns(String text, String what) {
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= 80, what + ": line longer than 80 columns: " + line);
        }
    }

    @Test
    void topLevelHelpListsEveryCommandWithAWholeSentence() {
        Object[] r = cli("--help");
        String text = (String) r[1];
        assertEquals(0, r[0], text);
        assertFitsIn80Columns(text, "--help");
        Map<String, CommandLine> subs = new CommandLine(new Main()).getSubcommands();
        assertEquals(COMMANDS, List.copyOf(subs.keySet()));
        for (String name : COMMANDS) {
            assertTrue(text.matches("(?s).*\\n  " + name + " .*"), name + " not listed:\n" + text);
        }
    }

    /** The summary is the first description paragraph: one sentence, ended, and every paragraph ends too. */
    @Test
    void noSummaryOrParagraphEndsMidSentence() {
        Map<String, CommandLine> subs = new CommandLine(new Main()).getSubcommands();
        for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            assertTrue(description.length > 0, e.getKey());
            String summary = description[0];
            assertTrue(summary.endsWith("."), e.getKey() + ": summary not ended: " + summary);
            assertFalse(
                    summary.substring(0, summary.length() - 1).matches(".*[.;:] .*"),
                    e.getKey() + ": summary is more than one sentence: " + summary);
            for (String p : description) {
                String paragraph = p.replace("%n", "").trim();
                assertTrue(
                        paragraph.endsWith(".") || paragraph.endsWith(".)"),
                        e.getKey() + ": a description line ends mid-sentence (a hard line break?): " + paragraph);
            }
        }
    }

    @Test
    void everyCommandsHelpFitsAndUsesUpperCasePlaceholders() {
        for (String name : COMMANDS) {
            if (name.equals("help")) continue;
            Object[] r = cli(name, "--help");
            String text = (String) r[1];
            assertFitsIn80Columns(text, name + " --help");
            assertFalse(text.matches("(?s).*=<[a-zA-Z].*"), name + ": a <placeholder>:\n" + text);
        }
        for (CommandLine sub : new CommandLine(new Main()).getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (o.arity().max() == 0) continue;
                // Values in capitals (FILE, N, DIR), literal choices in lower case (adam|sgd, generated|mnist:DIR).
                String label = o.paramLabel();
                assertTrue(
                        !label.contains("<") && (label.matches(".*[A-Z].*") || label.contains("|")),
                        spec.name() + " " + o.longestName() + ": placeholder " + o.paramLabel());
            }
        }
    }

    @Test
    void versionIsTheArtifactsVersion() {
        Object[] r = cli("--version");
        assertEquals(0, r[0]);
        String v = ((String) r[1]).trim();
        assertTrue(v.matches("pooling4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), v);
    }

    @Test
    void benchAndTuneSayWhereTheyRun() {
        Object[] r = cli("bench");
        assertEquals(2, r[0]);
        assertTrue(((String) r[1]).startsWith("pooling4j bench: runs from the benchmark jar; use ./pooling4j bench"));
    }
}
