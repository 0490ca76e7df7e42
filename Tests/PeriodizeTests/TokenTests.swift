import Events
import Foundation
import GRDB
import Periodize
import PeriodizeApp
import Testing
import TestSupport

/// The API's tokens (issue 16, first part): made and printed once, kept as a hash and a role,
/// compared in constant time, ended by revoking.
@Suite("API tokens")
struct TokenTests {
    @Test func aTokenIsPrintedOnceKeptAsItsHashAndEndsWhenRevoked() async throws {
        let folder = TemporaryDirectory()
        let db = folder.path("log.sqlite")
        let made = try PeriodizeBinary.run(["token", "create", "web-form", "--role", "operator", "--db", db])
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("pz_") && token.count >= 40)
        #expect(made.stderr.contains("not shown again"))
        let support = try PeriodizeBinary.run(["token", "create", "help-desk", "--role", "support", "--db", db])
        #expect(support.status == 0)
        // Listed without the token; the log holds only its hash.
        let list = try PeriodizeBinary.run(["token", "list", "--db", db])
        #expect(list.status == 0 && list.stdout.contains("web-form\toperator\tmade ") && list.stdout.contains("help-desk\tsupport"))
        #expect(!list.stdout.contains(token))
        let queue = try DatabaseQueue(path: db)
        let clear = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events WHERE CAST(payload AS TEXT) LIKE ?", arguments: ["%\(token.dropFirst(3))%"]) }
        #expect(clear == 0, "the token is kept nowhere")
        try queue.close()

        let engine = try await makeEngine(EngineConfiguration(path: db))
        #expect(try await engine.authenticate(token: token)?.name == "web-form")
        #expect(try await engine.authenticate(token: token)?.role == .operator_)
        #expect(try await engine.authenticate(token: token + "x") == nil)
        #expect(try await engine.authenticate(token: "") == nil)
        try engine.close()

        // Bad input: one line, nothing written.
        let role = try PeriodizeBinary.run(["token", "create", "x", "--role", "admin", "--db", db])
        #expect(role.status == 64 && role.stderr == "periodize: error: --role admin is not one of operator, support, auditor\n")
        let twice = try PeriodizeBinary.run(["token", "create", "web-form", "--role", "auditor", "--db", db])
        #expect(twice.status != 0 && twice.stderr.contains("a token called web-form exists already"), "\(twice)")
        let name = try PeriodizeBinary.run(["token", "create", "no spaces", "--role", "auditor", "--db", db])
        #expect(name.status != 0 && name.stderr.contains("must be 1-40 letters"))

        let revoked = try PeriodizeBinary.run(["token", "revoke", "web-form", "--db", db])
        #expect(revoked.status == 0 && revoked.stdout == "token web-form revoked\n")
        let again = try PeriodizeBinary.run(["token", "revoke", "web-form", "--db", db])
        #expect(again.status != 0 && again.stderr.contains("no working token is called web-form"))
        let after = try await makeEngine(EngineConfiguration(path: db))
        #expect(try await after.authenticate(token: token) == nil, "refused once revoked")
        #expect(try await after.tokens().map(\.name) == ["web-form", "help-desk"])
        #expect(try await after.tokens().first?.revokedAt != nil)
        #expect(try await after.verify().isValid)
        try after.close()
    }
}
