package org.pooling4j.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one vocabulary of pooling kinds on the command line ({@code explain --op}, {@code image --op},
 * {@code train --pool}, {@code study --kinds}), the same words as the job runner's operator names
 * ({@code weighted_avg_pool2d}, {@code adaptive_avg_pool2d}, {@code fractional_max_pool2d}). The
 * shorter spellings the README used before are accepted as aliases.
 */
public final class OpNames {
    /** Alias to canonical name. {@code lp2}/{@code lp4} also fix the norm order ({@link #impliedP}). */
    public static final Map<String, String> ALIASES = aliases();

    private OpNames() {}

    private static Map<String, String> aliases() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("gaussian", "weighted_avg");
        m.put("adaptive", "adaptive_avg");
        m.put("global", "global_avg");
        m.put("fractional", "fractional_max");
        m.put("lp2", "lp");
        m.put("lp4", "lp");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The canonical name of {@code name}: lower case, an alias replaced; an unknown word is returned as is. */
    public static String canonical(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return ALIASES.getOrDefault(n, n);
    }

    /** The norm order an alias names ({@code lp2} is 2, {@code lp4} is 4), or null. */
    public static Double impliedP(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("lp2")) return 2.0;
        if (n.equals("lp4")) return 4.0;
        return null;
    }

    /** For messages: {@code "also accepted: gaussian = weighted_avg, ..."}. */
    public static String aliasText() {
        StringBuilder sb = new StringBuilder("also accepted: ");
        boolean first = true;
        for (Map.Entry<String, String> e : ALIASES.entrySet()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append(e.getKey()).append(" = ").append(e.getValue());
            if (e.getKey().startsWith("lp"))
                sb.append(" with p ").append(e.getKey().substring(2));
        }
        return sb.toString();
    }

    /**
     * The name of {@code kind} for the network's pooling layers ({@code org.pooling4j.nn.Pools}), which
     * keeps its own short names in model files: weighted_avg is {@code gaussian} there, fractional_max
     * {@code fractional}, lp (p = 2) {@code lp2}.
     */
    public static String layerKind(String kind) {
        String n = kind.trim().toLowerCase(Locale.ROOT);
        switch (canonical(n)) {
            case "weighted_avg":
                return "gaussian";
            case "fractional_max":
                return "fractional";
            case "lp":
                return n.equals("lp4") ? "lp4" : "lp2";
            default:
                return n;
        }
    }
}
