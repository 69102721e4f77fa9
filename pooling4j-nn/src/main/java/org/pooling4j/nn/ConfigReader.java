package org.pooling4j.nn;

import java.util.Map;

/** Typed reads of a layer's config map from a model file, with errors that name the key. */
final class ConfigReader {
    private ConfigReader() {}

    private static Object get(Map<String, Object> c, String key) {
        if (!c.containsKey(key) || c.get(key) == null)
            throw new IllegalArgumentException("config key \"" + key + "\" is missing");
        return c.get(key);
    }

    static long longValue(Map<String, Object> c, String key) {
        Object v = get(c, key);
        if (!(v instanceof Long || v instanceof Integer))
            throw new IllegalArgumentException("config " + key + " = " + v + ": must be an integer");
        return ((Number) v).longValue();
    }

    static int integer(Map<String, Object> c, String key) {
        long v = longValue(c, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
            throw new IllegalArgumentException("config " + key + " = " + v + ": out of int range");
        return (int) v;
    }

    static double number(Map<String, Object> c, String key) {
        Object v = get(c, key);
        if (!(v instanceof Number))
            throw new IllegalArgumentException("config " + key + " = " + v + ": must be a number");
        return ((Number) v).doubleValue();
    }

    static boolean bool(Map<String, Object> c, String key) {
        Object v = get(c, key);
        if (!(v instanceof Boolean))
            throw new IllegalArgumentException("config " + key + " = " + v + ": must be true or false");
        return (Boolean) v;
    }

    static String string(Map<String, Object> c, String key) {
        Object v = get(c, key);
        if (!(v instanceof String))
            throw new IllegalArgumentException("config " + key + " = " + v + ": must be a string");
        return (String) v;
    }
}
