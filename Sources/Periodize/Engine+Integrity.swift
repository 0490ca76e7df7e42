import Checkpoints
import EventLog
import Events
import Foundation

extension Engine {
    /// The hash the chain stores at `position`; nil past the head.
    public func hash(at position: Int64) async throws -> Data? {
        guard position >= 1 else { return nil }
        for try await event in store.storedBytes.readAll(from: position, batchSize: 1) {
            return event.position == position ? event.hash : nil
        }
        return nil
    }

    /// The store that signs checkpoints, when a signing key was configured.
    public var checkpointing: CheckpointingEventStore? {
        var current: any EventStore = store
        while true {
            if let found = current as? CheckpointingEventStore { return found }
            guard let wrapper = current as? any WrappingEventStore else { return nil }
            current = wrapper.stored
        }
    }

    /// Signs the chain at its head now and appends the checkpoint.
    ///
    /// - Throws: ``CheckpointError`` when no signing key was configured.
    public func checkpoint() async throws -> CheckpointSigned {
        guard let checkpointing else {
            throw CheckpointError.noSigningKey("a checkpoint")
        }
        guard let made = try await checkpointing.checkpoint(at: clock()) else { throw CheckpointError("the log is empty: nothing to sign") }
        return made
    }

    /// Every checkpoint in the log, in order.
    public func checkpoints() async throws -> [(position: Int64, checkpoint: CheckpointSigned)] {
        try await store.storedBytes.readStream(checkpointsStream, from: 1).compactMap { event in
            (try? EventCoding.decode(CheckpointSigned.self, from: event.payload)).map { (event.position, $0) }
        }
    }
}
