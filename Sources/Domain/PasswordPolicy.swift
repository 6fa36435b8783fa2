/// ASVS v5.0.0-6.2.1/6.2.9/6.2.12: at least 12 characters, at least 64 allowed, no composition rules,
/// and no password from the list of common passwords the project ships.
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let maximumLength = 128

    public enum Problem: Equatable, Sendable {
        case tooShort, tooLong, common, containsEmail
    }

    private let commonPasswords: Set<String>

    public init(commonPasswords: Set<String>) {
        self.commonPasswords = Set(commonPasswords.map { $0.lowercased() })
    }

    public func problem(with password: String, email: String? = nil) -> Problem? {
        let length = password.count
        if length < Self.minimumLength { return .tooShort }
        if length > Self.maximumLength { return .tooLong }
        let folded = password.lowercased()
        if commonPasswords.contains(folded) { return .common }
        if let local = email?.split(separator: "@").first, local.count >= 4, folded.contains(local.lowercased()) {
            return .containsEmail
        }
        return nil
    }

    public static func message(for problem: Problem) -> String {
        switch problem {
        case .tooShort: "Password must be at least \(minimumLength) characters"
        case .tooLong: "Password must be \(maximumLength) characters or fewer"
        case .common: "Password is too common: choose a password that others would not guess"
        case .containsEmail: "Password must not contain your email address"
        }
    }
}
