import Domain
import Foundation

/// Templates, stylesheets and data ship inside the package's resource bundle, so `reachable` works from any
/// working directory.
enum PackageResources {
    static var root: URL {
        guard let url = Bundle.module.resourceURL else { fatalError("The App resource bundle is missing") }
        return url
    }

    static var viewsDirectory: String { root.appendingPathComponent("Views").path + "/" }
    static var publicDirectory: String { root.appendingPathComponent("Public").path + "/" }

    static func passwordPolicy() throws -> PasswordPolicy {
        let text = try String(contentsOf: root.appendingPathComponent("Data/common-passwords.txt"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("#") }
        return PasswordPolicy(commonPasswords: Set(lines))
    }
}
