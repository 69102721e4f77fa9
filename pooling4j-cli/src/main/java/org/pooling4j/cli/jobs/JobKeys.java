package org.pooling4j.cli.jobs;

import java.util.Set;

/**
 * The runner's check that a job uses only keys its op accepts ({@link JobFamily#keys}), made before
 * any work so that a misspelt parameter is not silently ignored and left at its default.
 */
final class JobKeys {
    /** Shortest unknown key that may be suggested the accepted key it begins ("kernel" for "kernel_size"). */
    private static final int MIN_PREFIX = 3;

    private JobKeys() {}

    /**
     * Rejects the first key of {@code job}, in the job's order, that {@code family} neither accepts
     * for the job's op nor rejects itself ({@link JobFamily#keysRunRejects}).
     *
     * @throws IllegalArgumentException {@code unknown key "K"}, followed by
     *     {@code (did you mean "A"?)} when an accepted key {@code A} is near (see {@link #nearest})
     */
    static void check(Job job, JobFamily family) {
        Set<String> accepted = family.keys(job.op);
        Set<String> leftToRun = family.keysRunRejects(job.op);
        for (String key : job.keyNames()) {
            if (accepted.contains(key) || leftToRun.contains(key)) continue;
            String near = nearest(key, accepted);
            throw new IllegalArgumentException(
                    "unknown key \"" + key + "\"" + (near == null ? "" : " (did you mean \"" + near + "\"?)"));
        }
    }

    /**
     * The accepted key nearest to {@code key}, or null when none is near. A key is near when at most
     * a third of the longer name's characters (and at least 1) need an edit ({@link #distance}) to
     * turn one into the other, or when it begins with {@code key} of {@value #MIN_PREFIX} or more
     * characters (a shortened name). Of several, the fewest edits wins, then the first in the
     * iteration order of {@code accepted}.
     */
    static String nearest(String key, Iterable<String> accepted) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String a : accepted) {
            int d = distance(key, a);
            boolean near = d <= Math.max(1, Math.max(key.length(), a.length()) / 3)
                    || (key.length() >= MIN_PREFIX && a.startsWith(key));
            if (near && d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * The fewest edits from {@code a} to {@code b}, an edit being one character inserted, deleted or
     * replaced, or two adjacent characters swapped (optimal string alignment distance), so that the
     * commonest typos ("inptu") cost one edit each.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
