package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.Document;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/** The structural nodes: constants, documents, arrays, and the null/missing wrappers. */
final class Nodes {

    private Nodes() {
    }

    /** A literal scalar (strings, numbers, booleans, null, Extended JSON literals): shared, never mutated. */
    record Constant(Object value) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            return value;
        }

        @Override
        public boolean isConstant() {
            return true;
        }
    }

    /**
     * A sub-document. Fields are generated in template order and put into the document as they are
     * made, which is what lets a later field {@code $ref} an earlier one (the document sits in the
     * context at its nesting depth while it is being built).
     */
    static final class ObjectNode implements Node {
        private final int depth;
        private final String[] keys;
        private final Node[] values;

        ObjectNode(int depth, List<String> keys, List<Node> values) {
            this.depth = depth;
            this.keys = keys.toArray(String[]::new);
            this.values = values.toArray(Node[]::new);
        }

        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Document doc = new Document();
            ctx.enter(depth, doc);
            String[] k = keys;
            Node[] v = values;
            for (int i = 0; i < k.length; i++) {
                Object value = v[i].generate(random, ctx);
                if (value != MISSING) {
                    doc.put(k[i], value);
                }
            }
            return doc;
        }
    }

    /** A literal JSON array whose elements may be operators; missing elements are dropped. */
    static final class ListNode implements Node {
        private final Node[] elements;

        ListNode(List<Node> elements) {
            this.elements = elements.toArray(Node[]::new);
        }

        int size() {
            return elements.length;
        }

        Node element(int i) {
            return elements[i];
        }

        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            List<Object> out = new ArrayList<>(elements.length);
            for (Node element : elements) {
                Object value = element.generate(random, ctx);
                if (value != MISSING) {
                    out.add(value);
                }
            }
            return out;
        }
    }

    /** {@code nullRate} / {@code missingRate}: one draw decides missing, null or the value. */
    record Rates(Node inner, double nullRate, double missingRate) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            double u = random.nextDouble();
            if (u < missingRate) {
                return MISSING;
            }
            if (u < missingRate + nullRate) {
                return null;
            }
            return inner.generate(random, ctx);
        }
    }

    /** The most elements one {@code $array} may have: a BSON document is at most 16 MiB. */
    static final int MAX_ARRAY_LENGTH = 1_000_000;

    /** {@code $array}: {@code of} repeated a drawn (or computed) number of times. */
    record ArrayOf(Node of, Distributions.LongSampler length, Node lengthNode, String path) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            int n;
            if (lengthNode != null) {
                Object v = lengthNode.generate(random, ctx);
                long wanted = v instanceof Number num ? Math.max(0, num.longValue()) : 0;
                if (wanted > MAX_ARRAY_LENGTH) {
                    throw new DataWorksException(ExitCode.USAGE, path + ": $array number " + wanted
                            + " is larger than the limit of " + MAX_ARRAY_LENGTH + " elements per array (a BSON document is at most 16 MiB)");
                }
                n = (int) wanted;
            } else {
                n = (int) length.sample(random);
            }
            List<Object> out = new ArrayList<>(n);
            int outer = ctx.elementIndex(0);
            for (int i = 0; i < n; i++) {
                ctx.elementIndex(i);
                Object value = of.generate(random, ctx);
                if (value != MISSING) {
                    out.add(value);
                }
            }
            ctx.elementIndex(outer);
            return out;
        }
    }

    /** mgeneratejs {@code $missing}: leaves the field out with probability {@code percent}/100, else {@code ifnot}. */
    record Missing(double probability, Node ifnot) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            if (probability >= 1.0 || random.nextDouble() < probability) {
                return MISSING;
            }
            return ifnot == null ? MISSING : ifnot.generate(random, ctx);
        }
    }
}
