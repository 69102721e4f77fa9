package org.pooling4j.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/** The tests' local[2] session: no UI, few shuffle partitions, so that a test class starts in seconds. */
final class LocalSpark {
    private LocalSpark() {}

    static SparkSession start() {
        return SparkSession.builder()
                .master("local[2]")
                .appName("pooling4j-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    /** A row in Spark's internal format, for running a transformer's partition function outside Spark. */
    static InternalRow internal(Row row, StructType schema) {
        return (InternalRow) CatalystTypeConverters$.MODULE$
                .createToCatalystConverter(schema)
                .apply(row);
    }
}
