import LeafKit
import NIOCore

/// Parsed templates, kept for the life of the process in every environment.
///
/// Templates are copied into the binary's resource bundle at build time, so reading them again on each request
/// shows no edit sooner. Leaf's own cache cannot simply be switched on: outside production, every call to
/// `app.leaf.renderer` switches the shared cache off again, and each page was then lexed and parsed per
/// request (a fifth of the case page's time). This cache ignores that switch.
struct TemplateCache: LeafCache {
    private let cache = DefaultLeafCache()

    var isEnabled: Bool {
        get { true }
        set {} // deliberately ignored: see above
    }

    var count: Int { cache.count }

    func insert(_ document: LeafAST, on loop: any EventLoop, replace: Bool) -> EventLoopFuture<LeafAST> {
        cache.insert(document, on: loop, replace: replace)
    }

    func retrieve(documentName: String, on loop: any EventLoop) -> EventLoopFuture<LeafAST?> {
        cache.retrieve(documentName: documentName, on: loop)
    }

    func remove(_ documentName: String, on loop: any EventLoop) -> EventLoopFuture<Bool?> {
        cache.remove(documentName, on: loop)
    }
}
