package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.dataworks.generators.internal.DocumentRandom;

/** Related collections: parents and children, picks from another collection, dependency order, determinism. */
class TemplateSetTest {

    static final String SHOP = """
            {"$collections": {
              "orders": {"parent": "customers", "perParent": {"min": 0, "max": 10, "distribution": "zipf"},
                         "template": {"_id": "$objectid", "customerId": {"$parent": "_id"}, "email": {"$parent": "email"},
                                      "lines": {"$array": {"min": 1, "max": 4, "of": {
                                          "product": {"$pickFrom": {"collection": "products", "distribution": "zipf",
                                                                    "fields": {"productId": "_id", "unitPrice": "price"}}},
                                          "quantity": {"$integer": {"min": 1, "max": 3}}}}}}},
              "customers": {"count": 300, "template": {"_id": {"$inc": {"start": 1}}, "email": "$email"}},
              "products": {"count": 50, "template": {"_id": {"$sequence": {"format": "P-%04d"}},
                                                     "price": {"$decimal": {"min": 1, "max": 100}}}}
            }}
            """;

    static Map<String, List<Document>> generate(TemplateSet set) {
        Map<String, List<Document>> out = new HashMap<>();
        for (TemplateSet.Member m : set.members()) {
            List<Document> docs = new ArrayList<>();
            for (long i = 0; i < m.total(); i++) {
                docs.add(m.generator().generate(i, DocumentRandom.forDocument(m.seed(), i)));
            }
            out.put(m.name(), docs);
        }
        return out;
    }

    @Test
    void ordersBelongToCustomersAndNameProductsInDependencyOrder() {
        TemplateSet set = TemplateSet.compile(SHOP, "shop.json", 42, TemplateOptions.DEFAULTS);
        assertThat(set.members()).extracting(TemplateSet.Member::name).containsExactly("customers", "products", "orders");
        Map<String, List<Document>> all = generate(set);

        Map<Object, Document> customers = new HashMap<>();
        all.get("customers").forEach(c -> customers.put(c.get("_id"), c));
        Map<Object, Object> prices = new HashMap<>();
        all.get("products").forEach(p -> prices.put(p.get("_id"), p.get("price")));
        assertThat(customers).hasSize(300);

        Map<Object, Integer> ordersPerCustomer = new HashMap<>();
        Object previous = null;
        List<Object> seen = new ArrayList<>();
        for (Document order : all.get("orders")) {
            Document customer = customers.get(order.get("customerId"));
            assertThat(customer).as("the customer of %s", order.toJson()).isNotNull();
            assertThat(order.get("email")).isEqualTo(customer.get("email"));
            ordersPerCustomer.merge(order.get("customerId"), 1, Integer::sum);
            if (!order.get("customerId").equals(previous)) {
                assertThat(seen).as("a customer's orders are contiguous").doesNotContain(order.get("customerId"));
                seen.add(order.get("customerId"));
                previous = order.get("customerId");
            }
            for (Document line : order.getList("lines", Document.class)) {
                Document product = line.get("product", Document.class);
                assertThat(prices).containsKey(product.get("productId"));
                assertThat(product.get("unitPrice")).isEqualTo(prices.get(product.get("productId")));
            }
        }
        assertThat(ordersPerCustomer.values()).allMatch(n -> n >= 1 && n <= 10);
        long withoutOrders = 300 - ordersPerCustomer.size();
        long withTen = ordersPerCustomer.values().stream().filter(n -> n == 10).count();
        assertThat(withoutOrders).as("zipf over 0..10: rank 1 (no orders) is the most common").isGreaterThan(60).isGreaterThan(withTen * 3);
        assertThat(all.get("orders")).hasSize((int) set.members().get(2).total());

        // the same seed gives the same three collections; another seed other ones
        assertThat(generate(TemplateSet.compile(SHOP, "shop.json", 42, TemplateOptions.DEFAULTS))).isEqualTo(all);
        assertThat(generate(TemplateSet.compile(SHOP, "shop.json", 43, TemplateOptions.DEFAULTS)).get("orders"))
                .isNotEqualTo(all.get("orders"));
    }

    @Test
    void mistakesNameTheCollectionAndThePath() {
        TemplateException cycle = catchThrowableOfType(TemplateException.class, () -> TemplateSet.compile("""
                {"$collections": {"a": {"count": 2, "template": {"_id": "$objectid", "b": {"$pickFrom": {"collection": "b", "field": "_id"}}}},
                                  "b": {"count": 2, "template": {"_id": "$objectid", "a": {"$pickFrom": {"collection": "a", "field": "_id"}}}}}}
                """, "set.json", 1, TemplateOptions.DEFAULTS));
        assertThat(cycle.getMessage()).contains("refer to each other in a cycle");
        TemplateException unknown = catchThrowableOfType(TemplateException.class, () -> TemplateSet.compile("""
                {"$collections": {"a": {"count": 2, "template": {"x": {"$pickFrom": {"collection": "nope", "field": "_id"}}}}}}
                """, "set.json", 1, TemplateOptions.DEFAULTS));
        assertThat(unknown.getMessage()).contains("$.$collections.a").contains("'nope', which is not a collection of this set");
        TemplateException noId = catchThrowableOfType(TemplateException.class, () -> TemplateSet.compile("""
                {"$collections": {"p": {"count": 2, "template": {"name": "$word"}},
                                  "o": {"count": 2, "template": {"x": {"$pickFrom": {"collection": "p", "field": "_id"}}}}}}
                """, "set.json", 1, TemplateOptions.DEFAULTS));
        assertThat(noId.getMessage()).contains("$.x: $pickFrom collection 'p' has no field '_id'").contains("give its template an _id");
        TemplateException outside = catchThrowableOfType(TemplateException.class, () -> Templates.compile("{'c': {'$parent': '_id'}}"));
        assertThat(outside.getMessage()).contains("use it in a template set");
    }
}
