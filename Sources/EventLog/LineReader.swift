import Foundation

/// Reads a file one line at a time without loading it whole; lines are numbered from 1.
public struct LineReader: Sequence, Sendable {
    public let path: String

    public init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw EventStoreError(.invalidArgument, "\(path): cannot read the file (missing or not readable)")
        }
        self.path = path
    }

    public func makeIterator() -> Iterator {
        Iterator(handle: FileHandle(forReadingAtPath: path))
    }

    public struct Iterator: IteratorProtocol {
        let handle: FileHandle?
        var buffer = Data()
        var start = 0
        var number = 0
        var eof = false

        init(handle: FileHandle?) { self.handle = handle }

        /// The next line (without its `\n` or `\r\n`) and its number.
        public mutating func next() -> (number: Int, bytes: Data)? {
            while true {
                if let newline = buffer[start...].firstIndex(of: 0x0A) {
                    var end = newline
                    if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                    let line = buffer[start..<end]
                    start = newline + 1
                    number += 1
                    return (number, Data(line))
                }
                if eof {
                    guard start < buffer.count else { return nil }
                    let line = buffer[start...]
                    start = buffer.count
                    number += 1
                    return (number, Data(line))
                }
                buffer.removeSubrange(0..<start)
                start = 0
                if let chunk = try? handle?.read(upToCount: 1 << 20), !chunk.isEmpty {
                    buffer.append(chunk)
                } else {
                    eof = true
                }
            }
        }
    }
}
