import Foundation
@_exported import TestSupport

/// This target's reference files (Tests/<target>/Reference/).
func loadReference(_ name: String) throws -> Any { try loadReference(name, in: .module) }
