package io.dataworks.generators.template.internal;

import java.util.random.RandomGenerator;

/**
 * A {@link RandomGenerator} that forwards to the current document's random source. Datafaker keeps the
 * random source it was built with for life; pointing one long-lived Faker (per thread) at this adapter
 * and swapping the delegate per document makes every Faker value a function of that document's random
 * source alone, without building a Faker per document. Not thread-safe: one per thread.
 */
final class SwappableRandom implements RandomGenerator {

    private RandomGenerator delegate;

    void delegate(RandomGenerator delegate) {
        this.delegate = delegate;
    }

    @Override
    public long nextLong() {
        return delegate.nextLong();
    }

    @Override
    public int nextInt() {
        return delegate.nextInt();
    }

    @Override
    public int nextInt(int bound) {
        return delegate.nextInt(bound);
    }

    @Override
    public int nextInt(int origin, int bound) {
        return delegate.nextInt(origin, bound);
    }

    @Override
    public long nextLong(long bound) {
        return delegate.nextLong(bound);
    }

    @Override
    public long nextLong(long origin, long bound) {
        return delegate.nextLong(origin, bound);
    }

    @Override
    public double nextDouble() {
        return delegate.nextDouble();
    }

    @Override
    public double nextDouble(double bound) {
        return delegate.nextDouble(bound);
    }

    @Override
    public double nextDouble(double origin, double bound) {
        return delegate.nextDouble(origin, bound);
    }

    @Override
    public float nextFloat() {
        return delegate.nextFloat();
    }

    @Override
    public boolean nextBoolean() {
        return delegate.nextBoolean();
    }

    @Override
    public double nextGaussian() {
        return delegate.nextGaussian();
    }

    @Override
    public void nextBytes(byte[] bytes) {
        delegate.nextBytes(bytes);
    }
}
