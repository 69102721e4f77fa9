package org.pooling4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} and {@code --flag} arguments of the module's two commands, checked against a key list. */
final class JobArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    JobArgs(String[] args, List<String> keys, List<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            if (flags.contains(a)) {
                values.put(a, value == null ? "true" : value);
            } else if (keys.contains(a)) {
                if (value == null) {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(a + ": needs a value");
                    value = args[++i];
                }
                values.put(a, value);
            } else {
                List<String> all = new ArrayList<>(keys);
                all.addAll(flags);
                throw new IllegalArgumentException("unknown argument " + a + "; the arguments are " + all);
            }
        }
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException(key + " is required");
        return v;
    }

    boolean flag(String key) {
        String v = values.get(key);
        if (v == null) return false;
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new IllegalArgumentException(key + " = " + v + ": must be true or false");
    }

    int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = " + v + ": must be an integer");
        }
    }

    double number(String key, double fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = " + v + ": must be a number");
        }
    }

    /** A comma-separated list of integers ({@code 2} or {@code 2,3}). */
    int[] ints(String key, int[] fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        String[] parts = v.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " = " + v + ": must be integers separated by commas");
            }
        }
        return out;
    }
}
