package io.dataworks.generators;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/** A test generator whose documents hold every BSON type the engine must carry intact. */
public final class AllTypesGenerator implements DocumentGenerator {

    @Override
    public String name() {
        return "all-types";
    }

    @Override
    public Document generate(long index, RandomGenerator random) {
        byte[] oid = new byte[12];
        random.nextBytes(oid);
        byte[] payload = new byte[1 + random.nextInt(16)];
        random.nextBytes(payload);
        List<Object> matrix = new ArrayList<>();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            matrix.add(List.of(random.nextInt(100), random.nextDouble(), List.of("x" + i, random.nextBoolean())));
        }
        return new Document("_id", new ObjectId(oid))
                .append("index", index)
                .append("smallLong", (long) random.nextInt(10))
                .append("int", random.nextInt())
                .append("double", Math.floor(random.nextDouble() * 100)) // whole doubles must stay doubles
                .append("fraction", random.nextDouble())
                .append("decimal", new Decimal128(BigDecimal.valueOf(random.nextLong(1_000_000), 2)))
                .append("date", new Date(random.nextLong(-2_000_000_000_000L, 4_000_000_000_000L)))
                .append("binary", new Binary((byte) 0, payload))
                .append("uuid", new UUID(random.nextLong(), random.nextLong()))
                .append("timestamp", new BsonTimestamp(random.nextInt(1, Integer.MAX_VALUE), random.nextInt(1, 1000)))
                .append("text", "line \"quoted\" ünïcødé\n" + random.nextInt(1000))
                .append("flag", random.nextBoolean())
                .append("nothing", null)
                .append("nested", new Document("a", random.nextInt(5)).append("b", new Document("c", List.of(1L, 2.5, "z"))))
                .append("matrix", matrix);
    }
}
