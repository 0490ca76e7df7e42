import Foundation
import Testing

/// The architecture, checked on the sources: the core and the command line know no storage
/// (no GRDB, no SQLite target), and every target declares what it imports.
@Suite("Layering")
struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Modules of the toolchain, imported without a declared dependency.
    static let toolchain: Set<String> = ["Foundation", "FoundationNetworking", "Synchronization", "Dispatch", "Glibc", "Testing", "XCTest"]

    /// The modules the `.swift` files under `folder` import.
    static func imports(in folder: String) throws -> Set<String> {
        let directory = root.appendingPathComponent(folder)
        var modules: Set<String> = []
        let files = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
        for case let file as URL in files where file.pathExtension == "swift" {
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") where line.hasPrefix("import ") {
                modules.insert(String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces))
            }
        }
        return modules
    }

    /// The dependencies `Package.swift` declares for `target`: target names and product names.
    static func declaredDependencies(of target: String) throws -> Set<String> {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        // The target's declaration, not a product of the same name.
        let declarations = manifest.ranges(of: "name: \"\(target)\",").filter { range in
            manifest[..<range.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines).lowercased().hasSuffix("target(")
        }
        let start = try #require(declarations.first, "no target \(target) in Package.swift")
        let rest = manifest[start.upperBound...]
        let end = try #require(rest.range(of: "path:"), "target \(target) has no path")
        let block = rest[..<end.lowerBound]
        var names: Set<String> = []
        for match in block.matches(of: /"([A-Za-z][A-Za-z0-9]*)"/) { names.insert(String(match.output.1)) }
        return names
    }

    @Test(arguments: [
        ("Periodize", "Sources/Periodize"), ("PeriodizeCLI", "Sources/PeriodizeCLI"), ("API", "Sources/API"), ("Service", "Sources/Service"),
    ])
    func theCoreTheCommandLineAndTheServerKnowNoStorage(_ target: String, _ folder: String) throws {
        let storage: Set<String> = ["GRDB", "GRDBSQLite", "EventLogSQLite", "ReadModelsSQLite", "VaultSQLite", "IdempotencySQLite"]
        let imported = try Self.imports(in: folder)
        #expect(imported.intersection(storage).isEmpty, "\(folder) imports \(imported.intersection(storage).sorted())")
        #expect(try Self.declaredDependencies(of: target).intersection(storage).isEmpty, "\(target) depends on storage")
    }

    /// Every target Package.swift declares, with its folder: sources, tests, benchmarks and helpers.
    static func declaredTargets() throws -> [(name: String, path: String)] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        return manifest.matches(of: /[tT]arget\(\s*name: "([A-Za-z]+)",/).compactMap { match in
            let rest = manifest[match.range.upperBound...]
            guard let path = rest.firstMatch(of: /path: "([^"]+)"/) else { return nil }
            return (String(match.output.1), String(path.output.1))
        }
    }

    @Test func everyTargetDeclaresWhatItImports() throws {
        let targets = try Self.declaredTargets()
        #expect(targets.count >= 20, "found only \(targets.map(\.name)) in Package.swift")
        for (target, folder) in targets {
            let undeclared = try Self.imports(in: folder).subtracting(Self.toolchain).subtracting(Self.declaredDependencies(of: target))
            #expect(undeclared.isEmpty, "\(target) imports \(undeclared.sorted()) without declaring them in Package.swift")
        }
    }

    @Test func theLogsContractAndTheReadModelsKnowNoSQLite() throws {
        for folder in ["Sources/EventLog", "projections", "Sources/Coaching", "events"] {
            let imported = try Self.imports(in: folder)
            #expect(!imported.contains { $0.hasPrefix("GRDB") || $0.hasSuffix("SQLite") }, "\(folder) imports \(imported.sorted())")
        }
    }
}
