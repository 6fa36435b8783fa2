@testable import App
import Foundation
import Testing
import Vapor

/// The style rule "a test renders every template with a sample model, so a misspelt key fails a test instead of
/// printing nothing": every top-level template is rendered from a hand-built model (`TemplateSamples`) through the
/// app's own renderer, which in the tests runs `TemplateCheck` first (`strictTemplates`), so a name the template
/// reads that its model lacks fails here.
@Suite("Every template renders from a sample model")
struct TemplateSampleTests {
    /// The templates a page renders: every `.leaf` file but the layout and the partials, which are reached through
    /// the pages that extend them.
    static func topLevelTemplates() throws -> Set<String> {
        let views = PackageResources.viewsDirectory
        return Set(try #require(FileManager.default.enumerator(atPath: views)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".leaf") }.map { String($0.dropLast(5)) }
            .filter { $0 != "layout" && !$0.hasPrefix("components/") && !$0.hasPrefix("cases/show/") })
    }

    @Test("Every template has a sample model, and every sample is for a template that exists")
    func everyTemplateHasASample() throws {
        let files = try Self.topLevelTemplates()
        #expect(files.count > 40)
        let sampled = TemplateSamples.all.map(\.template)
        #expect(files.subtracting(sampled).isEmpty, "no sample model: \(files.subtracting(sampled).sorted())")
        #expect(Set(sampled).subtracting(files).isEmpty, "no such template: \(Set(sampled).subtracting(files).sorted())")
        let twice = Dictionary(grouping: sampled, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(twice.isEmpty, "more than one sample: \(twice)")
    }

    @Test("Each template renders from its sample, with the strict check, and shows the sample's values",
          arguments: TemplateSamples.all.map(\.template))
    func renders(template: String) async throws {
        let sample = try #require(TemplateSamples.sample(for: template))
        try await withApp { app in
            #expect(try app.settings.strictTemplates)
            let model = try await sample.make(app)
            let html = String(buffer: try await app.view.render(template, model).get().data)
            #expect(html.contains(sample.shows), "\(template) does not show \(sample.shows.debugDescription)")
        }
    }

    @Test("A template rendered from a model that lacks a name it reads fails, rather than rendering half empty")
    func anotherPagesModelFails() async throws {
        let signIn = try #require(TemplateSamples.sample(for: "auth/sign-in"))
        try await withApp { app in
            let model = try await signIn.make(app)
            // The sign-in page's model has an email and a password, but no name, role or region: the new-user form reads them.
            let problems = TemplateCheck.problems(template: "admin/user-new", model: model, readTemplate: TemplateSources.shared.read)
            #expect(problems.contains("admin/user-new: name") && problems.contains("admin/user-new: role"), "\(problems)")
            let error = await #expect(throws: Abort.self) { try await app.view.render("admin/user-new", model).get() }
            #expect(error?.status == .internalServerError)
            #expect(error?.reason.contains("admin/user-new reads names its model lacks") == true, "\(String(describing: error))")
            // The same model renders its own page: what failed was the names it lacks.
            _ = try await app.view.render("auth/sign-in", model).get()
        }
    }
}
