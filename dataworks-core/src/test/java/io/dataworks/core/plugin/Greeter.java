package io.dataworks.core.plugin;

/** A plug-in SPI for the tests: implementations are compiled into jars at test time. */
public interface Greeter {

    String name();

    String greet(String who);
}
