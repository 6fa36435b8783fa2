import Vapor

/// The stylesheet and other public files, looked up only for a path a file could have: a path past the file
/// system's length limits (255 bytes a name, 4,096 a path) made the lookup itself fail, and every such address
/// answered 500 instead of 404.
struct StaticFilesMiddleware: AsyncMiddleware {
    /// Far longer than any public file's path (`/css/reachable.css`), and no longer than one file name may be.
    static let longestPath = 255

    let files: FileMiddleware

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard req.url.path.utf8.count <= Self.longestPath else { return try await next.respond(to: req) }
        return try await files.respond(to: req, chainingTo: next)
    }
}
