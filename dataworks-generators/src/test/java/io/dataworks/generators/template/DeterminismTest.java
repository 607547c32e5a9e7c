package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Document i is a pure function of (seed, i): not of the thread, nor of what was generated before. */
class DeterminismTest {

    private static final String EVERYTHING = "{'_id': '$objectid', 'n': '$inc', 'seq': {'$sequence': {'format': 'X%06d'}},"
            + " 'name': '$name', 'email': '$email', 'phone': '$phone', 'city': '$city', 'company': '$company', 'p': '$paragraph',"
            + " 'f': '#{Name.fullName} from #{Address.city}', 'de': {'$faker': {'expr': '#{Name.lastName}', 'locale': 'de'}},"
            + " 'ssn': '$ssn', 'u': '$uuid', 'd': {'$date': {'min': '2020-01-01', 'max': '2024-01-01', 'distribution': 'normal', 'mean': '2022-01-01', 'stddev': 100}},"
            + " 'after': {'$dateAfter': {'field': 'd', 'maxDays': 3}}, 'x': {'$floating': {'min': 0, 'max': 1, 'distribution': 'normal'}},"
            + " 'z': {'$integer': {'min': 1, 'max': 1000, 'distribution': 'zipf'}},"
            + " 'lines': {'$array': {'of': {'q': {'$integer': {'min': 1, 'max': 5}}, 'p': {'$decimal': {'min': 1, 'max': 9}},"
            + "   't': {'$multiply': [{'$ref': 'q'}, {'$ref': 'p'}]}}, 'min': 0, 'max': 6}},"
            + " 's': {'$sum': {'array': 'lines', 'field': 't'}}, 'maybe': {'$string': {'length': 3, 'nullRate': 0.3, 'missingRate': 0.3}}}";

    @Test
    void sameSeedAndIndexGiveTheSameDocumentWhateverCameBefore() {
        TemplateGenerator a = Templates.compile(EVERYTHING);
        TemplateGenerator b = Templates.compile(EVERYTHING);
        for (int i = 0; i < 50; i++) {
            a.generate(i, Templates.random(42, i));
        }
        Document fromWarm = a.generate(1234, Templates.random(42, 1234));
        Document fromCold = b.generate(1234, Templates.random(42, 1234));
        assertThat(fromWarm.toJson()).isEqualTo(fromCold.toJson());
        assertThat(a.generate(1234, Templates.random(43, 1234)).toJson()).isNotEqualTo(fromCold.toJson());
    }

    @Test
    void hashOfTenThousandDocumentsIsTheSameForOneAndFourThreads() throws Exception {
        TemplateGenerator generator = Templates.compile(EVERYTHING);
        int total = 10_000;
        String one = hash(generator, total, 1);
        String four = hash(Templates.compile(EVERYTHING), total, 4);
        assertThat(four).isEqualTo(one);
        // interleaved ranges on 3 threads, generated in reverse order within each
        assertThat(hash(generator, total, 3)).isEqualTo(one);
    }

    private static String hash(TemplateGenerator generator, int total, int threads) throws Exception {
        String[] json = new String[total];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                futures.add(pool.submit(() -> {
                    for (int i = total - 1 - worker; i >= 0; i -= threads) {
                        json[i] = generator.generate(i, Templates.random(2024, i)).toJson();
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String s : json) {
            digest.update(s.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }
}
