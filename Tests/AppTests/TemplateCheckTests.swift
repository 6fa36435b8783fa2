@testable import App
import Foundation
import Testing

/// `TemplateCheck` runs before every render in the tests and the browser suite (`strictTemplates`): these are the
/// slips it must catch, and the legitimate absences it must let through.
@Suite("Templates read only what their model has")
struct TemplateCheckTests {
    struct Item: Encodable { let label: String; let href: String }
    struct Field: Encodable { let id: String; let error: String? }
    struct Model: Encodable {
        let title: String
        let items: [Item]
        let none: [Item]
        let notice: String?
        let field: Field
        let errors: [String: String]
    }

    static let model = Model(title: "T", items: [Item(label: "a", href: "/a")], none: [], notice: nil,
                             field: Field(id: "f", error: nil), errors: [:])

    func problems(_ templates: [String: String]) -> [String] {
        TemplateCheck.problems(template: "page", model: Self.model, readTemplate: { templates[$0] })
    }

    @Test("What the model has passes: a nil optional, an empty list's body, any dictionary key, loop and with scopes")
    func present() {
        #expect(problems(["page": """
            <h1>#(title)</h1>#if(notice):<p>#(notice)</p>#endif
            #for(item in items):<a href="#(item.href)">#(item.label)</a>#if(isLast):.#endif#endfor
            #for(x in none):#(x.whatever)#endfor
            #if(errors.reason):#(errors.reason)#endif
            #with(field):#extend("part")#endwith
            #if(title == "T" && count(items) > 0):yes#else:no#endif <p>Issue #(title) \\#(nothing) "#notATag"</p>
            """, "part": "<input id=\"#(id)\">#if(error):#(error)#endif"]) == [])
    }

    @Test("A misspelt name fails, wherever it is read", arguments: [
        "#(tilte)", "#if(notise):x#endif", "#for(item in itmes):#endfor", "#for(item in items):#(item.lable)#endfor",
        "#(field.eror)", "#with(field):#(title)#endwith", "#extend(\"bad\")", "#if(title == \"x\" || nottitle):#endif",
    ])
    func misspelt(template: String) {
        #expect(!problems(["page": template, "bad": "#(missing)"]).isEmpty, "\(template)")
    }

    @Test("Every template is in use, and every template named in the code or extended by another exists")
    func everyTemplateLinked() throws {
        let views = PackageResources.viewsDirectory
        let files = Set(try #require(FileManager.default.enumerator(atPath: views)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".leaf") }.map { String($0.dropLast(5)) })
        #expect(files.count > 40)
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/App").path
        var named: Set<String> = []
        for file in try #require(FileManager.default.enumerator(atPath: sources)).compactMap({ $0 as? String }) where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("render") {
                for match in line.matches(of: /"([a-z-]+\/[a-z-]+|error|layout)"/) { named.insert(String(match.1)) }
            }
        }
        for file in files {
            let text = try String(contentsOfFile: views + file + ".leaf", encoding: .utf8)
            for match in text.matches(of: /#extend\("([a-z\/-]+)"\)/) { named.insert(String(match.1)) }
        }
        #expect(named.subtracting(files).isEmpty, "named but missing: \(named.subtracting(files).sorted())")
        #expect(files.subtracting(named).isEmpty, "never used: \(files.subtracting(named).sorted())")
    }
}
