import Foundation
import Vapor

/// `reachable totp SECRET`: prints the current six-digit code for a base32 TOTP secret, for trying the demo
/// accounts without a phone. It reads nothing from the database.
struct TOTPCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "secret", help: "A base32 TOTP secret, as shown when an authenticator is set up")
        var secret: String
    }

    var help: String { "Print the current code for a TOTP secret (for demo accounts)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let secret = Base32.decode(signature.secret), !secret.isEmpty else {
            throw CommandError(message: "secret: not a base32 TOTP secret")
        }
        FileHandle.standardOutput.write(Data((TOTP.code(secret: secret, counter: TOTP.counter(at: Date())) + "\n").utf8))
    }
}
