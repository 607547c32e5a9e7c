package io.dataworks.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

class MaskingConverterTest {

    private static final String URI = "mongodb://admin:hunter2@db.example.com:27017/shop";

    @Test
    void theProductionConfigurationMasksMessagesAndStackTraces() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        URL productionConfig = MaskingConverter.class.getClassLoader().getResource("logback.xml");
        assertThat(productionConfig).as("core ships logback.xml").isNotNull();

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err; // the CLIs log to stderr (stdout may carry documents)
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            configurator.doConfigure(productionConfig);
            Logger log = context.getLogger("io.dataworks.test.Copier");
            log.info("copying from {}", URI);
            log.warn("copy failed", new IllegalStateException("cannot reach " + URI,
                    new RuntimeException("caused by " + URI)));
            context.getLogger("org.mongodb.driver.cluster").info("driver chatter at INFO is hidden");
        } finally {
            System.setErr(original);
            context.stop();
        }

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("hunter2")
                .doesNotContain("driver chatter")
                .contains("INFO  i.d.test.Copier - copying from mongodb://admin:****@db.example.com:27017/shop")
                .contains("WARN  i.d.test.Copier - copy failed")
                .contains("java.lang.IllegalStateException: cannot reach mongodb://admin:****@db.example.com")
                .contains("Caused by: java.lang.RuntimeException: caused by mongodb://admin:****@");
        assertThat(out.split("java.lang.IllegalStateException", -1)).as("the stack trace is printed once").hasSize(2);
        assertThat(out.lines().filter(l -> l.contains(" - ")).findFirst().orElseThrow())
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.d\\.test\\.Copier - copying from .*");
    }

    @Test
    void aPatternWithoutThrowableStillMasksIt() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("mask", MaskingConverter::new);
        layout.setPattern("%-5level %mask%n");
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(captured);
        appender.start();
        ch.qos.logback.classic.Logger log = context.getLogger("t");
        log.addAppender(appender);

        log.error("with {} and {}", "mongodb+srv://u:pw1@c.mongodb.net", "mongodb://v:pw2@h:1/db",
                new RuntimeException("mongodb://w:pw3@h"));
        appender.stop();

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("ERROR with mongodb+srv://u:****@c.mongodb.net and mongodb://v:****@h:1/db")
                .contains("java.lang.RuntimeException: mongodb://w:****@h")
                .doesNotContain("pw1").doesNotContain("pw2").doesNotContain("pw3");
    }
}
