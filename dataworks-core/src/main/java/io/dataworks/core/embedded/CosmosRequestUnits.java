package io.dataworks.core.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The cost model of the embedded server's Cosmos mode: what a request costs in request units (RU), by its size.
 * Azure Cosmos DB publishes rough figures, not a formula: a point read of a 1 KB item costs about 1 RU, an insert
 * of a 1 KB item about 5 to 6 RU, and cost grows with the item's size. This model keeps exactly that shape:
 *
 * <ul>
 *   <li>an inserted document (or an update/delete statement) costs {@value #WRITE_RU_PER_KB} RU per KB of its BSON,
 *       at least {@value #WRITE_RU_PER_KB} RU (a 1 KB document costs 5.5 RU, so 8,000 such documents per second need
 *       44,000 RU/s);</li>
 *   <li>a read ({@code find}, {@code getMore}, {@code aggregate}, ...) costs {@value #READ_RU_PER_KB} RU per KB of the
 *       documents it returns, at least {@value #MIN_READ_RU} RU (an empty or tiny batch still costs a request).</li>
 * </ul>
 *
 * Fractions are kept (no rounding), so a test can compute a charge exactly from the BSON sizes.
 */
public final class CosmosRequestUnits {

    /** RU per KB (1,024 bytes) of an inserted document, and the minimum per document. */
    public static final double WRITE_RU_PER_KB = 5.5;
    /** RU per KB of documents a read returns. */
    public static final double READ_RU_PER_KB = 1.0;
    /** The least a read costs. */
    public static final double MIN_READ_RU = 1.0;

    private static final double BYTES_PER_KB = 1024.0;

    private CosmosRequestUnits() {
    }

    /** The charge for writing one document (or statement) of {@code bsonBytes}. */
    public static double write(long bsonBytes) {
        return WRITE_RU_PER_KB * Math.max(1.0, bsonBytes / BYTES_PER_KB);
    }

    /** The charge for a read that returned {@code bsonBytes} of documents. */
    public static double read(long bsonBytes) {
        return Math.max(MIN_READ_RU, READ_RU_PER_KB * bsonBytes / BYTES_PER_KB);
    }

    /** RU per second that admit {@code documentsPerSecond} inserts of documents of at most 1 KB. */
    public static double insertBudget(double documentsPerSecond) {
        return documentsPerSecond * WRITE_RU_PER_KB;
    }

    /** The size of a document as BSON, the way it travels and is stored. */
    static int bsonSize(Document document) {
        ByteBuf buffer = Unpooled.buffer();
        try {
            BsonEncoder.encodeDocument(document, buffer);
            return buffer.writerIndex();
        } finally {
            buffer.release();
        }
    }
}
