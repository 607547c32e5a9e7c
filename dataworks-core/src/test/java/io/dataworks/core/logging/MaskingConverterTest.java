package io.dataworks.core.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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

    /** The CLIs' configuration in code ({@link CliLogging}) and its XML form ({@code docs/logback.xml}) log alike. */
    @ParameterizedTest
    @ValueSource(strings = {"code", "xml"})
    void theProductionConfigurationMasksMessagesAndStackTraces(String form) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        Path xml = Path.of("..", "docs", "logback.xml");
        assertThat(xml).as("the XML form is documented").exists();

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err; // the CLIs log to stderr (stdout may carry documents)
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            if (form.equals("code")) {
                CliLogging.configureConsole(context);
            } else {
                JoranConfigurator configurator = new JoranConfigurator();
                configurator.setContext(context);
                configurator.doConfigure(xml.toFile());
            }
            Logger log = context.getLogger("io.dataworks.test.Copier");
            log.info("copying from {}", URI);
            log.warn("copy failed", new IllegalStateException("cannot reach " + URI,
                    new RuntimeException("caused by " + URI)));
            context.getLogger("org.mongodb.driver.cluster").info("driver chatter at INFO is hidden");
            context.getLogger("de.bwaldvogel.mongo.backend.AbstractMongoCollection").error("server error answers are hidden");
            context.getLogger("io.netty.channel").warn("netty warnings are shown");
        } finally {
            System.setErr(original);
            context.stop();
        }

        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("hunter2")
                .doesNotContain("driver chatter")
                .doesNotContain("server error answers")
                .contains("WARN  io.netty.channel - netty warnings are shown")
                .contains("INFO  i.d.test.Copier - copying from mongodb://admin:****@db.example.com:27017/shop")
                .contains("WARN  i.d.test.Copier - copy failed")
                .contains("java.lang.IllegalStateException: cannot reach mongodb://admin:****@db.example.com")
                .contains("Caused by: java.lang.RuntimeException: caused by mongodb://admin:****@");
        assertThat(out.split("java.lang.IllegalStateException", -1)).as("the stack trace is printed once").hasSize(2);
        assertThat(out.lines().filter(l -> l.contains(" - ")).findFirst().orElseThrow())
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.d\\.test\\.Copier - copying from .*");
    }

    @Test
    void theCodeConfigurationStepsAsideForAnXmlOnTheClassPath() {
        // this module's tests have logback-test.xml on the class path: logback must read it, as it does any user's
        assertThat(MaskingConverter.class.getClassLoader().getResource("logback-test.xml")).isNotNull();
        CliLogging cli = new CliLogging();
        LoggerContext context = new LoggerContext();
        cli.setContext(context);
        assertThat(cli.configure(context)).isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
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
