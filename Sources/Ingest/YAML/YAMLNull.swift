import Yams

/// A node that YAML reads as null (see the scalar form below).
func isYAMLNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node else { return false }
    return isYAMLNull(scalar)
}

/// A plain scalar that YAML reads as null: empty, `~`, `null`, `Null`, `NULL` (unless tagged `!!str`).
func isYAMLNull(_ scalar: Node.Scalar) -> Bool {
    guard scalar.style == .plain || scalar.style == .any else { return false }
    guard ["", "~", "null", "Null", "NULL"].contains(scalar.string) else { return false }
    return scalar.tag.rawValue != Tag.Name.str.rawValue
}
