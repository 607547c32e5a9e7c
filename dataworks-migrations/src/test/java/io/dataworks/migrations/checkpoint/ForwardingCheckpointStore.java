package io.dataworks.migrations.checkpoint;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.bson.BsonDocument;

import io.dataworks.migrations.Namespace;

/** A store that hands every call to another: tests extend it to count or fail the calls they look at. */
public abstract class ForwardingCheckpointStore implements CheckpointStore {

    protected final CheckpointStore delegate;

    protected ForwardingCheckpointStore(CheckpointStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public String describe(Kind kind, Namespace source) {
        return delegate.describe(kind, source);
    }

    @Override
    public Optional<BsonDocument> read(Kind kind, Namespace source) {
        return delegate.read(kind, source);
    }

    @Override
    public void write(Kind kind, Namespace source, BsonDocument record) {
        delegate.write(kind, source, record);
    }

    @Override
    public void writePartition(Namespace source, String planFingerprint, PartitionState state) {
        delegate.writePartition(source, planFingerprint, state);
    }

    @Override
    public Map<Integer, PartitionState> readPartitions(Namespace source, String planFingerprint) {
        return delegate.readPartitions(source, planFingerprint);
    }

    @Override
    public void delete(Namespace source) {
        delegate.delete(source);
    }

    @Override
    public void delete(Kind kind, Namespace source) {
        delegate.delete(kind, source);
    }

    @Override
    public DeadLetters deadLetters(Path file) {
        return delegate.deadLetters(file);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
