package io.dataworks.core.logging;

import java.util.List;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import io.dataworks.core.config.MongoUri;

/**
 * Logback converter {@code %mask}: the formatted message followed by the stack trace of the event's throwable, if
 * any, with the password of every MongoDB connection string masked ({@link MongoUri#maskSecrets(String)}). Being a
 * {@link ThrowableHandlingConverter}, it stops logback from appending an unmasked {@code %ex} of its own. Options are
 * those of {@code %ex} (e.g. {@code %mask{short}}).
 *
 * <pre>{@code
 * <conversionRule conversionWord="mask" class="io.dataworks.core.logging.MaskingConverter"/>
 * <pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %mask%n</pattern>
 * }</pre>
 */
public class MaskingConverter extends ThrowableHandlingConverter {

    private final ThrowableProxyConverter throwable = new ThrowableProxyConverter();

    @Override
    public void start() {
        List<String> options = getOptionList();
        if (options != null) {
            throwable.setOptionList(options);
        }
        throwable.setContext(getContext());
        throwable.start();
        super.start();
    }

    @Override
    public void stop() {
        throwable.stop();
        super.stop();
    }

    @Override
    public String convert(ILoggingEvent event) {
        String message = MongoUri.maskSecrets(event.getFormattedMessage());
        if (event.getThrowableProxy() == null) {
            return message;
        }
        String trace = throwable.convert(event);
        if (trace.endsWith(CoreConstants.LINE_SEPARATOR)) {
            trace = trace.substring(0, trace.length() - CoreConstants.LINE_SEPARATOR.length());
        }
        return message + CoreConstants.LINE_SEPARATOR + MongoUri.maskSecrets(trace);
    }
}
