import Events
import EventLog
import Foundation
import Periodize

enum Micro {
    static func run() throws {
        let (_, events) = SampleHistory(seed: 1, workoutsPerClient: 6).client(3)
        let clock = ContinuousClock()
        for event in events.prefix(5) {
            let n = 5000
            var decoded: DomainEvent?
            let decode = try clock.measure { for _ in 0..<n { decoded = try EventCatalog.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload) } }
            let encoder = EventCoding.makeEncoder()
            let encode = try clock.measure {
                for _ in 0..<n {
                    switch decoded! {
                    case .workoutGenerated(let w): _ = try encoder.encode(w.blocks)
                    case .mesocycleBroken(let m): _ = try encoder.encode(m.microcycles[0].days)
                    case .planCreated(let p): _ = try encoder.encode(p.mesocycles)
                    default: _ = try encoder.encode(["a"])
                    }
                }
            }
            let js = try clock.measure { for _ in 0..<n { _ = try JSONSerialization.jsonObject(with: event.payload) } }
            print(event.type, event.payload.count, "bytes: decode", decode / n, "encode part", encode / n, "JSONSerialization", js / n)
        }
    }
}
