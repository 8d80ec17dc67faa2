// Helpers shared by the test targets: reference JSON with exact Doubles, METHODS.md's tolerances.
import Foundation
import Testing

/// Loads a JSON file written by a script under Tests/Reference/, from a test target's bundle.
public func loadReference(_ name: String, in bundle: Bundle) throws -> Any {
    let url = try #require(
        bundle.url(forResource: name, withExtension: "json", subdirectory: "Reference"),
        "missing Reference/\(name).json: run the scripts under Tests/Reference/")
    // JSONDecoder, not JSONSerialization: on Linux the latter reads some numbers as
    // NSDecimalNumber, whose doubleValue is not the nearest Double.
    return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)).any
}

/// A JSON document decoded with exact Doubles.
public enum JSONValue: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public var any: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let b): return b
        case .number(let d): return NSNumber(value: d)
        case .string(let s): return s
        case .array(let a): return a.map(\.any)
        case .object(let o): return o.mapValues(\.any)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    public func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    public func doubles(_ key: String) -> [Double]? { (self[key] as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
    public func matrix(_ key: String) -> [[Double]]? { (self[key] as? [[Any]])?.map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } } }
    public func dict(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
}

/// METHODS.md's agreement rule: relative 1e-8 with an absolute floor of 1e-12.
public func close(_ a: Double, _ b: Double, relative: Double = 1e-8, absolute: Double = 1e-12) -> Bool {
    if a == b { return true }
    if a.isNaN || b.isNaN { return false }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

/// p- and q-values: absolute 1e-10 or relative 1e-6, whichever is looser.
public func closeP(_ a: Double, _ b: Double) -> Bool { close(a, b, relative: 1e-6, absolute: 1e-10) }

public func expectClose(
    _ got: [Double], _ want: [Double], _ what: String, p: Bool = false,
    relative: Double = 1e-8, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(got.count == want.count, "\(what): \(got.count) values, expected \(want.count)", sourceLocation: sourceLocation)
    for (i, (g, w)) in zip(got, want).enumerated() {
        let ok = p ? closeP(g, w) : close(g, w, relative: relative)
        #expect(ok, "\(what)[\(i)]: \(g) vs reference \(w)", sourceLocation: sourceLocation)
    }
}
