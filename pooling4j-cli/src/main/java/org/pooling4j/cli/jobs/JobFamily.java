package org.pooling4j.cli.jobs;

import java.io.IOException;
import java.util.Set;

/**
 * One family of job operators (PyTorch's, TensorFlow's, torchvision's region ops, ...): the exact op
 * names it runs, the keys each of them accepts, and how it runs a job. {@link JobFamilies} lists the
 * families; the runner finds a job's family by its {@code op}.
 */
interface JobFamily {
    /** The keys every job may have, whatever its op. */
    Set<String> COMMON_KEYS = Set.of("id", "op");

    /**
     * The keys that name a file (relative to the jobs file), read or written: the runner compares
     * where they lead before a job runs ({@link JobPaths}).
     */
    Set<String> FILE_KEYS = Set.of(
            "input",
            "output",
            "grad_output",
            "indices",
            "argmax",
            "random_samples",
            "weights",
            "boxes",
            "grad_weights",
            "attention_mask",
            "lengths",
            "grad_p");

    /** Every op name this family runs; no two families share a name. */
    Set<String> ops();

    /**
     * The keys a job of {@code op} (one of {@link #ops}) accepts, {@link #COMMON_KEYS} included: its
     * parameters and the files it reads or writes.
     */
    Set<String> keys(String op);

    /**
     * Keys outside {@link #keys} that {@link #run} rejects itself with a more specific reason than an
     * unknown key (a parameter of another operator, a file only the backward job writes); the
     * runner's unknown-key check leaves these to {@link #run}. None unless a family says otherwise.
     */
    default Set<String> keysRunRejects(String op) {
        return Set.of();
    }

    /**
     * The keys of {@link #FILE_KEYS} whose files a job of {@code op} writes (the others it reads):
     * {@code output}, unless a family says which others its op writes.
     */
    default Set<String> outputKeys(String op) {
        return Set.of("output");
    }

    /**
     * Runs {@code job}, whose op is one of {@link #ops}, reading and writing its files.
     *
     * @return the name of the kernel that computed the result
     * @throws IllegalArgumentException naming the key and value at fault
     */
    String run(Job job) throws IOException;
}
