package io.dataworks.userdefined;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import io.dataworks.generators.DocumentGenerator;

/**
 * Automotive dealer service orders, the domain of {@code templates/service_order_template.json}, with
 * the logic a template cannot express: VINs with a valid check digit and the model year at position 10;
 * models only in the years they were built; mileage that follows the vehicle's age; repair lines chosen
 * from a parts catalogue by mileage (brakes after 25,000 miles, timing belts after 90,000) with catalogue
 * prices and labour hours; totals, tax by the dealer's state, and closing dates that match the status.
 *
 * <p>Stateless: every value comes from the {@code random} the engine hands to {@link #generate}.
 */
public final class ServiceOrderGenerator implements DocumentGenerator {

    /** Service orders are opened between these instants (fixed, so a seed always gives the same documents). */
    static final long OPENED_FROM = Instant.parse("2023-01-01T00:00:00Z").toEpochMilli();
    static final long OPENED_TO = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    static final int LATEST_MODEL_YEAR = 2026;

    private static final BigDecimal LABOUR_RATE = new BigDecimal("149.00");

    record Model(String name, int firstYear, int lastYear, String trim) {
    }

    record Make(String name, String wmi, List<Model> models) {
    }

    record Part(String number, String description, BigDecimal price, double labourHours, int fromMiles, double chance,
                int maxQuantity) {
    }

    record Dealer(String code, String name, String city, String state, BigDecimal taxRate) {
    }

    static final List<Make> MAKES = List.of(
            new Make("Toyota", "4T1", List.of(new Model("Camry", 1983, 2026, "LE"), new Model("Corolla", 1980, 2026, "SE"),
                    new Model("RAV4", 1996, 2026, "XLE"), new Model("Prius", 2001, 2026, "Prime"))),
            new Make("Ford", "1FA", List.of(new Model("F-150", 1980, 2026, "XLT"), new Model("Mustang", 1980, 2026, "GT"),
                    new Model("Escape", 2001, 2026, "SE"), new Model("Focus", 2000, 2018, "SE"))),
            new Make("Honda", "1HG", List.of(new Model("Civic", 1980, 2026, "EX"), new Model("Accord", 1980, 2026, "Sport"),
                    new Model("CR-V", 1997, 2026, "EX-L"))),
            new Make("Chevrolet", "1G1", List.of(new Model("Silverado", 1999, 2026, "LT"), new Model("Malibu", 1997, 2025, "LS"),
                    new Model("Bolt EV", 2017, 2023, "LT"))),
            new Make("BMW", "WBA", List.of(new Model("3 Series", 1980, 2026, "330i"), new Model("X5", 2000, 2026, "xDrive40i"))),
            new Make("Volkswagen", "WVW", List.of(new Model("Golf", 1985, 2021, "TSI"), new Model("Jetta", 1980, 2026, "S"))),
            new Make("Hyundai", "KMH", List.of(new Model("Elantra", 1991, 2026, "SEL"), new Model("Tucson", 2005, 2026, "SE"))),
            new Make("Tesla", "5YJ", List.of(new Model("Model S", 2012, 2026, "Long Range"), new Model("Model 3", 2017, 2026, "RWD"),
                    new Model("Model Y", 2020, 2026, "AWD"))),
            new Make("Subaru", "JF1", List.of(new Model("Outback", 1995, 2026, "Premium"), new Model("Forester", 1998, 2026, "Sport"))),
            new Make("Nissan", "1N4", List.of(new Model("Altima", 1993, 2026, "SV"), new Model("Leaf", 2011, 2025, "S"))));

    /** The parts catalogue: when a line applies (mileage), how likely, its price and the labour it takes. */
    static final List<Part> CATALOGUE = List.of(
            new Part("OIL-0W20-5Q", "Synthetic oil change, 0W-20, 5 qt", new BigDecimal("54.99"), 0.5, 0, 0.70, 1),
            new Part("FLT-OIL-1021", "Oil filter", new BigDecimal("12.49"), 0.0, 0, 0.70, 1),
            new Part("FLT-AIR-3387", "Engine air filter", new BigDecimal("29.95"), 0.2, 15_000, 0.35, 1),
            new Part("FLT-CAB-2210", "Cabin air filter", new BigDecimal("34.50"), 0.3, 15_000, 0.30, 1),
            new Part("TIR-ROT-0001", "Tire rotation and balance", new BigDecimal("39.00"), 0.6, 5_000, 0.40, 1),
            new Part("WPR-BLD-2426", "Wiper blade, 26 in", new BigDecimal("24.99"), 0.1, 10_000, 0.20, 2),
            new Part("BRK-PAD-F220", "Front brake pads, ceramic", new BigDecimal("89.95"), 1.4, 25_000, 0.30, 1),
            new Part("BRK-ROT-F118", "Front brake rotor", new BigDecimal("119.00"), 0.6, 40_000, 0.20, 2),
            new Part("BRK-FLD-DOT4", "Brake fluid flush, DOT 4", new BigDecimal("18.75"), 0.8, 30_000, 0.15, 1),
            new Part("BAT-AGM-H6", "12V AGM battery, group H6", new BigDecimal("229.99"), 0.5, 36_000, 0.15, 1),
            new Part("SPK-IRD-4412", "Iridium spark plug", new BigDecimal("14.25"), 0.3, 60_000, 0.20, 6),
            new Part("CLT-LLC-1GL", "Coolant, long life, 1 gal", new BigDecimal("32.00"), 1.0, 60_000, 0.15, 2),
            new Part("SUS-STR-F550", "Front strut assembly", new BigDecimal("245.00"), 2.2, 75_000, 0.10, 2),
            new Part("TMB-KIT-9010", "Timing belt kit with water pump", new BigDecimal("389.00"), 4.5, 90_000, 0.12, 1),
            new Part("TRN-FLD-ATF6", "Transmission fluid service", new BigDecimal("149.50"), 1.5, 60_000, 0.12, 1),
            new Part("ALT-REM-180A", "Alternator, remanufactured", new BigDecimal("329.00"), 2.0, 100_000, 0.06, 1),
            new Part("CAT-CNV-DF40", "Catalytic converter, direct fit", new BigDecimal("899.00"), 2.5, 120_000, 0.04, 1));

    static final List<Dealer> DEALERS = List.of(
            new Dealer("D-1001", "Lakeside Motors", "Chicago", "IL", new BigDecimal("0.1025")),
            new Dealer("D-1002", "Bay Auto Group", "San Jose", "CA", new BigDecimal("0.0938")),
            new Dealer("D-1003", "Lone Star Service Center", "Austin", "TX", new BigDecimal("0.0825")),
            new Dealer("D-1004", "Harbor Point Autos", "Seattle", "WA", new BigDecimal("0.1035")),
            new Dealer("D-1005", "Peachtree Car Care", "Atlanta", "GA", new BigDecimal("0.0890")),
            new Dealer("D-1006", "Granite State Motors", "Manchester", "NH", BigDecimal.ZERO));

    private static final String[] FIRST = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Mia",
        "Lucas", "Amelia", "Mateo", "Harper", "Ethan", "Aisha", "Wei", "Priya", "Diego", "Fatima", "Hiroshi"};
    private static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Nguyen", "Kim", "Patel", "Okafor", "Kowalski", "Schmidt", "Rossi", "Cohen", "Silva", "Tanaka", "Lee"};
    private static final String[] STREETS = {"Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St",
        "Washington Blvd", "Lakeview Rd", "Hillcrest Dr", "Sunset Ave"};
    private static final String[] COLORS = {"White", "Black", "Silver", "Gray", "Blue", "Red", "Green", "Beige"};
    private static final String[] STATUSES = {"open", "in_progress", "awaiting_parts", "completed", "invoiced", "cancelled"};
    private static final int[] STATUS_WEIGHTS = {8, 12, 5, 20, 50, 5};
    private static final String[] TECHNICIANS = {"T-01 R. Alvarez", "T-02 K. Chen", "T-03 M. Brooks", "T-04 S. Haddad",
        "T-05 J. Novak"};
    private static final String[] COMPLAINTS = {"Customer states check engine light is on.",
        "Customer reports squealing noise when braking.", "Scheduled maintenance visit.",
        "Customer reports vibration at highway speed.", "Vehicle pulls to the right.",
        "Customer states A/C blows warm air.", "Battery warning light on at start-up.", "Recall and routine service."};

    @Override
    public String name() {
        return "service-order";
    }

    @Override
    public String description() {
        return "automotive dealer service orders with valid VINs, catalogue parts and consistent totals";
    }

    @Override
    public Document generate(long index, RandomGenerator random) {
        byte[] id = new byte[12];
        random.nextBytes(id);

        Dealer dealer = DEALERS.get(random.nextInt(DEALERS.size()));
        long openedMillis = random.nextLong(OPENED_FROM, OPENED_TO);
        int openedYear = Instant.ofEpochMilli(openedMillis).atZone(java.time.ZoneOffset.UTC).getYear();

        Make make = MAKES.get(random.nextInt(MAKES.size()));
        Model model = make.models().get(random.nextInt(make.models().size()));
        // vehicles in for service are mostly 2-10 years old, never newer than next year's models
        int newest = Math.min(model.lastYear(), Math.min(openedYear + 1, LATEST_MODEL_YEAR));
        int oldest = Math.max(model.firstYear(), newest - 20);
        int age = (int) Math.min(newest - oldest, Math.round(Math.abs(random.nextGaussian(5, 4))));
        int year = newest - age;
        double yearsDriven = Math.max(0.1, openedYear - year + random.nextDouble());
        int mileage = (int) Math.max(5, yearsDriven * 12_000 * Math.exp(random.nextGaussian(0, 0.35)));

        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];

        List<Document> lines = new ArrayList<>();
        BigDecimal parts = BigDecimal.ZERO;
        double labourHours = 0.3; // multi-point inspection, always
        for (Part part : CATALOGUE) {
            if (mileage >= part.fromMiles() && random.nextDouble() < part.chance()) {
                int quantity = 1 + random.nextInt(part.maxQuantity());
                BigDecimal amount = part.price().multiply(BigDecimal.valueOf(quantity));
                parts = parts.add(amount);
                labourHours += part.labourHours();
                lines.add(new Document("lineNumber", lines.size() + 1)
                        .append("type", "part")
                        .append("partNumber", part.number())
                        .append("description", part.description())
                        .append("quantity", quantity)
                        .append("unitPrice", money(part.price()))
                        .append("amount", money(amount)));
                if (lines.size() == 11) {
                    break;
                }
            }
        }
        BigDecimal hours = BigDecimal.valueOf(labourHours).setScale(1, RoundingMode.HALF_UP);
        BigDecimal labour = hours.multiply(LABOUR_RATE).setScale(2, RoundingMode.HALF_UP);
        lines.add(new Document("lineNumber", lines.size() + 1)
                .append("type", "labour")
                .append("partNumber", "LAB-STD")
                .append("description", "Labour, " + hours + " h at " + LABOUR_RATE + "/h")
                .append("quantity", hours.doubleValue())
                .append("unitPrice", money(LABOUR_RATE))
                .append("amount", money(labour)));
        BigDecimal tax = parts.multiply(dealer.taxRate()).setScale(2, RoundingMode.HALF_UP); // labour untaxed
        BigDecimal total = parts.add(labour).add(tax);

        String status = STATUSES[weighted(random, STATUS_WEIGHTS)];
        Document order = new Document("_id", new ObjectId(id))
                .append("orderNumber", String.format("SO-%08d", index + 1))
                .append("dealer", new Document("code", dealer.code()).append("name", dealer.name())
                        .append("city", dealer.city()).append("state", dealer.state()))
                .append("vehicle", new Document("vin", Vin.generate(make.wmi(), year, random))
                        .append("make", make.name()).append("model", model.name()).append("trim", model.trim())
                        .append("year", year).append("mileage", mileage)
                        .append("color", COLORS[random.nextInt(COLORS.length)]))
                .append("customer", new Document("name", first + " " + last)
                        .append("email", (first + "." + last).toLowerCase(java.util.Locale.ROOT) + (index % 1000) + "@example.com")
                        .append("phone", String.format("+1-%03d-555-%04d", 200 + random.nextInt(800), random.nextInt(10_000)))
                        .append("address", new Document("street", (100 + random.nextInt(9900)) + " " + STREETS[random.nextInt(STREETS.length)])
                                .append("city", dealer.city()).append("state", dealer.state())
                                .append("zip", String.format("%05d", 10_000 + random.nextInt(89_999)))))
                .append("status", status)
                .append("openedAt", new Date(openedMillis));
        if (status.equals("completed") || status.equals("invoiced") || status.equals("cancelled")) {
            long hoursOpen = (long) Math.max(1, Math.exp(random.nextGaussian(2.5, 1.0)) * labourHours);
            order.append("closedAt", new Date(openedMillis + hoursOpen * 3_600_000L));
        }
        return order
                .append("technician", TECHNICIANS[random.nextInt(TECHNICIANS.length)])
                .append("lines", lines)
                .append("totals", new Document("parts", money(parts)).append("labour", money(labour))
                        .append("taxRate", money(dealer.taxRate())).append("tax", money(tax)).append("total", money(total)))
                .append("currency", "USD")
                .append("notes", COMPLAINTS[random.nextInt(COMPLAINTS.length)]);
    }

    private static Decimal128 money(BigDecimal value) {
        return new Decimal128(value);
    }

    private static int weighted(RandomGenerator random, int[] weights) {
        int sum = 0;
        for (int w : weights) {
            sum += w;
        }
        int pick = random.nextInt(sum);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
