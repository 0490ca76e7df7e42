import Events
import Foundation
import Testing

/// One sample of every event type at every schema version, compared byte for byte with the
/// files in `Fixtures/`. Run with PERIODIZE_UPDATE_GOLDEN=1 to rewrite them after a deliberate
/// change (then read the diff).
@Suite("Golden event fixtures")
struct GoldenFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let updating = ProcessInfo.processInfo.environment["PERIODIZE_UPDATE_GOLDEN"] == "1"

    /// Compares `data` with the fixture `name`, or writes it when updating.
    func golden(_ name: String, _ data: Data) throws {
        let url = Self.folder.appendingPathComponent(name)
        var pretty = try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: data), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        pretty.append(0x0A)
        if Self.updating {
            try pretty.write(to: url)
            return
        }
        guard let stored = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing fixture \(name): run with PERIODIZE_UPDATE_GOLDEN=1")
            return
        }
        #expect(String(decoding: stored, as: UTF8.self) == String(decoding: pretty, as: UTF8.self), "\(name) changed")
    }

    @Test(arguments: Samples.current.indices)
    func currentVersionsEncodeAsTheFixtureAndDecodeBack(_ index: Int) throws {
        let sample = Samples.current[index]
        try golden("\(sample.type).v\(sample.version).json", sample.payload)
        let fixture = try #require(FileManager.default.contents(atPath: Self.folder.appendingPathComponent("\(sample.type).v\(sample.version).json").path))
        #expect(try EventCatalog.decode(type: sample.type, schemaVersion: sample.version, payload: fixture) == sample.event)
        #expect(EventCatalog.currentVersions[sample.type] == sample.version)
    }

    @Test(arguments: Samples.legacy.indices)
    func legacyVersionsDecodeFromTheFixtureAndUpcast(_ index: Int) throws {
        let sample = Samples.legacy[index]
        try golden("\(sample.type).v\(sample.version).json", sample.payload)
        let fixture = try #require(FileManager.default.contents(atPath: Self.folder.appendingPathComponent("\(sample.type).v\(sample.version).json").path))
        let upcast = try EventCatalog.decode(type: sample.type, schemaVersion: sample.version, payload: fixture)
        #expect(upcast == sample.event)
        // The upcast value, as the current version would store it.
        let current = try EventCoding.encode(Samples.payload(of: upcast))
        try golden("\(sample.type).v\(sample.version).upcast.json", current)
    }

    @Test func everyKnownTypeAndVersionHasASample() {
        let covered = Set((Samples.current + Samples.legacy).map { "\($0.type)@\($0.version)" })
        let known = Set(EventCatalog.knownVersions.map { "\($0.type)@\($0.version)" })
        #expect(covered == known)
    }

    @Test func unknownTypesStayReadable() throws {
        #expect(try EventCatalog.decode(type: "SomethingNew", schemaVersion: 3, payload: Data("{}".utf8)) == .unknown(type: "SomethingNew", schemaVersion: 3))
    }

    @Test func aVersionNewerThanThisBuildIsANamedError() {
        #expect(throws: EventDecodingError.self) {
            try EventCatalog.decode(type: "PlanCreated", schemaVersion: 9, payload: Data("{}".utf8))
        }
    }

    @Test func aPayloadThatDoesNotMatchItsVersionNamesTheField() {
        do {
            _ = try EventCatalog.decode(type: "WorkoutGenerated", schemaVersion: 2, payload: Data(#"{"clientId":"c","date":"2026-13-01"}"#.utf8))
            Issue.record("should fail")
        } catch let error as EventDecodingError {
            #expect(error.description.contains("WorkoutGenerated v2"))
            #expect(error.description.contains("date"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
