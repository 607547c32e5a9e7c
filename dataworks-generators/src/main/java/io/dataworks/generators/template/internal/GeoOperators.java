package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.Document;

import com.fasterxml.jackson.databind.JsonNode;

import io.dataworks.generators.template.internal.TemplateCompiler.Scope;

/** mgeneratejs's geo operators: {@code $coordinates}, {@code $point}, {@code $linestring}, {@code $polygon}, {@code $geometries}. */
final class GeoOperators {

    private GeoOperators() {
    }

    private static List<String> keys(String... names) {
        return List.of(names);
    }

    private static double[][] limits(Opts o) {
        return new double[][] {o.rangeOpt("long_lim", -180, 180), o.rangeOpt("lat_lim", -90, 90)};
    }

    private static double coordinate(RandomGenerator r, double[] lim) {
        double v = lim[0] == lim[1] ? lim[0] : r.nextDouble(lim[0], lim[1]);
        return Math.rint(v * 1e5) / 1e5;
    }

    private static List<Object> pair(RandomGenerator r, double[][] lim) {
        List<Object> p = new ArrayList<>(2);
        p.add(coordinate(r, lim[0]));
        p.add(coordinate(r, lim[1]));
        return p;
    }

    static Node coordinates(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        double[][] lim = limits(Opts.of(c, op, path, args, keys("long_lim", "lat_lim")));
        return (r, ctx) -> pair(r, lim);
    }

    static Node point(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        double[][] lim = limits(Opts.of(c, op, path, args, keys("long_lim", "lat_lim")));
        return (r, ctx) -> new Document("type", "Point").append("coordinates", pair(r, lim));
    }

    static Node lineString(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("locs", "long_lim", "lat_lim"));
        int locs = o.nonNegativeInt("locs", 2);
        if (locs < 2) {
            throw o.error("locs must be at least 2");
        }
        double[][] lim = limits(o);
        return (r, ctx) -> {
            List<Object> coords = new ArrayList<>(locs);
            for (int i = 0; i < locs; i++) {
                coords.add(pair(r, lim));
            }
            return new Document("type", "LineString").append("coordinates", coords);
        };
    }

    static Node polygon(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("corners", "long_lim", "lat_lim"));
        int corners = o.nonNegativeInt("corners", 3);
        if (corners < 3) {
            throw o.error("corners must be at least 3");
        }
        double[][] lim = limits(o);
        return (r, ctx) -> {
            List<Object> ring = new ArrayList<>(corners + 1);
            for (int i = 0; i < corners; i++) {
                ring.add(pair(r, lim));
            }
            ring.add(new ArrayList<>((List<?>) ring.get(0)));
            List<Object> rings = new ArrayList<>(1);
            rings.add(ring);
            return new Document("type", "Polygon").append("coordinates", rings);
        };
    }

    private static List<Object> ring(RandomGenerator r, double[][] lim, int corners) {
        List<Object> ring = new ArrayList<>(corners + 1);
        for (int i = 0; i < corners; i++) {
            ring.add(pair(r, lim));
        }
        ring.add(new ArrayList<>((List<?>) ring.get(0)));
        return ring;
    }

    static Node geometries(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("number", "types", "locs", "corners", "long_lim", "lat_lim"));
        int number = o.nonNegativeInt("number", 3);
        int locs = o.nonNegativeInt("locs", 2);
        int corners = o.nonNegativeInt("corners", 3);
        if (locs < 2 || corners < 3) {
            throw o.error("needs locs >= 2 and corners >= 3");
        }
        List<String> allowed = List.of("Point", "LineString", "Polygon");
        List<String> types = new ArrayList<>();
        JsonNode t = o.raw("types");
        if (t == null) {
            types.addAll(allowed);
        } else if (t.isArray() && !t.isEmpty()) {
            for (JsonNode type : t) {
                if (!allowed.contains(type.asText())) {
                    throw o.error("types may contain Point, LineString, Polygon; got " + Opts.describe(type));
                }
                types.add(type.asText());
            }
        } else {
            throw o.error("types must be a non-empty array of Point, LineString, Polygon");
        }
        double[][] lim = limits(o);
        String[] kinds = types.toArray(String[]::new);
        return (r, ctx) -> {
            List<Object> geometries = new ArrayList<>(number);
            for (int i = 0; i < number; i++) {
                String kind = kinds[r.nextInt(kinds.length)];
                Object coordinates;
                if ("Point".equals(kind)) {
                    coordinates = pair(r, lim);
                } else if ("LineString".equals(kind)) {
                    List<Object> line = new ArrayList<>(locs);
                    for (int j = 0; j < locs; j++) {
                        line.add(pair(r, lim));
                    }
                    coordinates = line;
                } else {
                    List<Object> rings = new ArrayList<>(1);
                    rings.add(ring(r, lim, corners));
                    coordinates = rings;
                }
                geometries.add(new Document("type", kind).append("coordinates", coordinates));
            }
            return new Document("type", "GeometryCollection").append("geometries", geometries);
        };
    }
}
