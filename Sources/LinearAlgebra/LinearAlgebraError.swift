/// Why a linear-algebra computation could not give a result.
///
/// `info < 0` from LAPACK means an argument was illegal: that is our bug, and it is reported as
/// `.invalidArgument` rather than trapping so a release build never prints garbage. `info > 0`
/// is a property of the data (singular, not positive definite) and gets its own case.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// LAPACK rejected argument number `argument` of `routine` (a bug in the caller).
    case invalidArgument(routine: String, argument: Int)
    /// A triangular or LU factor has an exact zero on its diagonal at `index` (1-based).
    case singular(routine: String, index: Int)
    /// The leading minor of order `minor` is not positive definite.
    case notPositiveDefinite(routine: String, minor: Int)
    /// The design's columns are linearly dependent: numerical rank `rank` of `columns`;
    /// `column` is the 0-based index of a column found dependent on the others.
    case rankDeficient(rank: Int, columns: Int, column: Int)
    /// Fewer observations than parameters leave no residual degrees of freedom.
    case tooFewObservations(observations: Int, parameters: Int)
    /// An input held NaN or infinity.
    case nonFinite(what: String)
    /// An iterative routine (SVD) did not converge.
    case noConvergence(routine: String)
    /// Team and period effects are not of full rank: the sample splits into `groups` sets of
    /// teams that share no period (0 when only the numbers showed it).
    case disconnectedEffects(groups: Int)

    /// The case's name (`rankDeficient`, …), for tests and machine-readable notes.
    public var caseName: String {
        switch self {
        case .invalidArgument: "invalidArgument"
        case .singular: "singular"
        case .notPositiveDefinite: "notPositiveDefinite"
        case .rankDeficient: "rankDeficient"
        case .tooFewObservations: "tooFewObservations"
        case .nonFinite: "nonFinite"
        case .noConvergence: "noConvergence"
        case .disconnectedEffects: "disconnectedEffects"
        }
    }

    public var description: String {
        switch self {
        case .invalidArgument(let routine, let argument):
            return "internal error: \(routine) rejected argument \(argument)"
        case .singular(let routine, let index):
            return "singular matrix (\(routine): zero pivot at \(index))"
        case .notPositiveDefinite(let routine, let minor):
            return "matrix not positive definite (\(routine): leading minor \(minor))"
        case .rankDeficient(let rank, let columns, let column):
            return "rank-deficient design: rank \(rank) of \(columns) columns (column \(column + 1) is a linear combination of the others)"
        case .tooFewObservations(let observations, let parameters):
            return "too few observations: \(observations) for \(parameters) parameters"
        case .nonFinite(let what):
            return "non-finite value in \(what)"
        case .noConvergence(let routine):
            return "\(routine) did not converge"
        case .disconnectedEffects(let groups):
            return groups > 1
                ? "team and period effects are not of full rank: the teams fall into \(groups) groups that share no period"
                : "team and period effects are not of full rank: the teams barely share periods"
        }
    }
}
