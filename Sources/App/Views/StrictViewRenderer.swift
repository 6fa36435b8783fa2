import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Leaf, with `TemplateCheck` before every render: a template that reads a name its model lacks fails the request
/// (500, the names in the log) instead of showing nothing in their place. Used when `strictTemplates` is set.
struct StrictViewRenderer: ViewRenderer {
    let base: any ViewRenderer
    let eventLoop: any EventLoop
    let logger: Logger

    func `for`(_ request: Request) -> any ViewRenderer {
        StrictViewRenderer(base: base.for(request), eventLoop: request.eventLoop, logger: request.logger)
    }

    func render<E: Encodable>(_ name: String, _ context: E) -> EventLoopFuture<View> {
        let problems = TemplateCheck.problems(template: name, model: context, readTemplate: TemplateSources.shared.read)
        guard problems.isEmpty else {
            logger.error("Template reads names its model lacks: \(problems.joined(separator: ", "))")
            return eventLoop.makeFailedFuture(Abort(.internalServerError, reason: "Template \(name) reads names its model lacks"))
        }
        return base.render(name, context)
    }
}

/// Each template's text, read once from the resource bundle.
final class TemplateSources: Sendable {
    static let shared = TemplateSources()
    private let texts = NIOLockedValueBox<[String: String]>([:])

    func read(_ name: String) -> String? {
        if let text = texts.withLockedValue({ $0[name] }) { return text }
        let path = PackageResources.viewsDirectory + (name.hasSuffix(".leaf") ? name : name + ".leaf")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        texts.withLockedValue { $0[name] = text }
        return text
    }
}
