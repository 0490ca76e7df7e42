import EventLog
import Events
import Foundation

/// Every read-model Periodize keeps, whatever store holds them.
public enum ReadModelCatalog {
    public static var all: [any Projection] {
        [
            ClientsProjection(), FitnessPlansProjection(), MesocyclesProjection(), MicrocyclesProjection(),
            WorkoutsProjection(), MessagesProjection(), MigrationsProjection(), GenerationAuditProjection(), PromptsProjection(),
        ]
    }
}

/// Which of a set of read-models read each event type. A replay finds an event's route from the
/// type's bytes on the row, without making a string per event.
public struct Routes: Sendable {
    public struct Route: Sendable {
        public let type: String
        let utf8: [UInt8]
        /// The type's current schema version, when the catalog knows the type.
        public let currentVersion: Int?
        public let projections: [any Projection]
    }

    public let all: [Route]

    public init(_ targets: [any Projection]) {
        var byType: [String: [any Projection]] = [:]
        var order: [String] = []
        for projection in targets {
            for type in projection.eventTypes.sorted() {
                if byType[type] == nil { order.append(type) }
                byType[type, default: []].append(projection)
            }
        }
        all = order.map { Route(type: $0, utf8: Array($0.utf8), currentVersion: EventCatalog.currentVersions[$0], projections: byType[$0]!) }
    }

    public func index(of type: UnsafeBufferPointer<UInt8>) -> Int? {
        all.firstIndex { $0.utf8.count == type.count && $0.utf8.elementsEqual(type) }
    }

    public func route(for type: String) -> Route? {
        all.first { $0.type == type }
    }
}

extension ProjectionWriter {
    /// Applies `events` (in position order) to those of `targets` that read them, scanning each
    /// once.
    public func apply(_ events: [RecordedEvent], routes: Routes, opener: (any PayloadOpener)? = nil) throws {
        for envelope in events {
            guard let route = routes.route(for: envelope.type) else { continue }
            try apply(try ProjectedEvent(envelope, opener: opener), to: route.projections)
        }
    }
}
