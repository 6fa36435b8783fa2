import Foundation

/// Checks that every variable a template reads exists in the model it is rendered from. Leaf renders a name the
/// model does not have as nothing, so a misspelt key (`#(layout.tilte)`, `#if(canWirte)`) would hide a title or
/// a form without any error; `StrictViewRenderer` runs this check before every render in tests and in the
/// browser suite, so such a slip fails them.
///
/// The model's shape is read with `Mirror`, so an optional that is nil, an empty list or a dictionary still has
/// its name: only what cannot be known from the value (inside a nil optional, an empty list's elements, a
/// dictionary's keys) is taken on trust.
enum TemplateCheck {
    /// The names a template reads that the model does not have, as `template: path`.
    static func problems(template name: String, model: Any, readTemplate: (String) -> String?) -> [String] {
        var problems: [String] = []
        check(name, scope: Scope(root: Shape.of(model)), readTemplate: readTemplate, problems: &problems, depth: 0)
        return problems
    }

    // MARK: The model's shape

    indirect enum Shape {
        case object([String: Shape])
        case list(element: Shape)
        /// A leaf value (text, number, flag), or anything whose inside cannot be known from the value.
        case value
        case unknown

        static func of(_ value: Any) -> Shape {
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                return mirror.children.first.map { of($0.value) } ?? .unknown
            case .collection, .set:
                return mirror.children.first.map { .list(element: of($0.value)) } ?? .list(element: .unknown)
            case .dictionary:
                // Keys are data (a field's id, a code), absent when there is nothing to say: any key is taken.
                return .unknown
            case .struct, .class:
                var fields: [String: Shape] = [:]
                for child in mirror.children {
                    guard var label = child.label else { continue }
                    if label.hasPrefix("_") { label.removeFirst() }
                    fields[label] = of(child.value)
                }
                return fields.isEmpty ? .value : .object(fields)
            default:
                return .value
            }
        }

        func member(_ name: String) -> Shape? {
            switch self {
            case let .object(fields): fields[name]
            case .unknown: .unknown
            case .value, .list: nil
            }
        }
    }

    struct Scope {
        var root: Shape
        /// Loop variables, innermost last.
        var locals: [(name: String, shape: Shape)] = []
        var inLoop: Bool { !locals.isEmpty }

        func resolve(_ path: [String]) -> Bool {
            guard let first = path.first else { return true }
            var shape: Shape
            if let local = locals.last(where: { $0.name == first }) {
                shape = local.shape
            } else if inLoop && ["index", "isFirst", "isLast"].contains(first) && path.count == 1 {
                return true
            } else if let found = root.member(first) {
                shape = found
            } else {
                return false
            }
            for name in path.dropFirst() {
                guard let next = shape.member(name) else { return false }
                shape = next
            }
            return true
        }

        func shape(of path: [String]) -> Shape {
            guard let first = path.first else { return root }
            var shape = locals.last(where: { $0.name == first })?.shape ?? root.member(first) ?? .unknown
            for name in path.dropFirst() { shape = shape.member(name) ?? .unknown }
            return shape
        }
    }

    // MARK: Reading a template

    enum Tag: Equatable {
        case expression(String)
        case forLoop(variable: String, path: String)
        case endFor
        case with(String)
        case endWith
        case extend(String)
    }

    /// The tags of a template in order, with the parameters of each (`#(…)`, `#if(…)`, `#for(x in y):`…).
    static func tags(in source: String) -> [Tag] {
        var tags: [Tag] = []
        let text = Array(source.unicodeScalars)
        var index = 0
        func isName(_ scalar: Unicode.Scalar) -> Bool { CharacterSet.alphanumerics.contains(scalar) || scalar == "_" }
        while index < text.count {
            guard text[index] == "#", index == 0 || text[index - 1] != "\\" else { index += 1; continue }
            var end = index + 1
            while end < text.count, isName(text[end]) { end += 1 }
            let name = String(String.UnicodeScalarView(text[(index + 1)..<end]))
            if name == "endfor" { tags.append(.endFor) }
            if name == "endwith" { tags.append(.endWith) }
            guard end < text.count, text[end] == "(" else { index = end; continue }
            // The parameters, to the matching parenthesis, string literals skipped.
            var depth = 0, cursor = end, inString = false
            repeat {
                let scalar = text[cursor]
                if scalar == "\"" { inString.toggle() }
                if !inString && scalar == "(" { depth += 1 }
                if !inString && scalar == ")" { depth -= 1 }
                cursor += 1
            } while depth > 0 && cursor < text.count
            let parameters = String(String.UnicodeScalarView(text[(end + 1)..<(cursor - 1)]))
            switch name {
            case "for":
                let parts = parameters.components(separatedBy: " in ")
                if parts.count == 2 {
                    tags.append(.forLoop(variable: parts[0].trimmingCharacters(in: .whitespaces),
                                         path: parts[1].trimmingCharacters(in: .whitespaces)))
                }
            case "with": tags.append(.with(parameters.trimmingCharacters(in: .whitespaces)))
            case "extend": tags.append(.extend(parameters.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))))
            case "export", "import": break
            default: tags.append(.expression(parameters))
            }
            index = cursor
        }
        return tags
    }

    /// The variable paths an expression reads: `a.b == "x" && count(c)` reads `a.b` and `c`.
    static func paths(in expression: String) -> [[String]] {
        var paths: [[String]] = []
        var current = ""
        var inString = false
        let keywords: Set<String> = ["true", "false", "nil", "yes", "no", "self", "in"]
        func finish(calling: Bool) {
            defer { current = "" }
            guard let first = current.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first),
                  !calling, !keywords.contains(current) else { return }
            paths.append(current.split(separator: ".").map(String.init))
        }
        for scalar in expression.unicodeScalars {
            if scalar == "\"" { inString.toggle(); current = ""; continue }
            if inString { continue }
            if CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "." {
                current.unicodeScalars.append(scalar)
            } else {
                finish(calling: scalar == "(")
            }
        }
        finish(calling: false)
        return paths
    }

    private static func check(_ name: String, scope initial: Scope, readTemplate: (String) -> String?,
                              problems: inout [String], depth: Int) {
        guard let source = readTemplate(name) else {
            problems.append("\(name): no such template")
            return
        }
        var stack: [Scope] = [initial]
        for tag in tags(in: source) {
            let scope = stack[stack.count - 1]
            switch tag {
            case let .expression(expression):
                for path in paths(in: expression) where !scope.resolve(path) {
                    problems.append("\(name): \(path.joined(separator: "."))")
                }
            case let .forLoop(variable, path):
                let components = path.split(separator: ".").map(String.init)
                if !scope.resolve(components) { problems.append("\(name): \(path)") }
                var inner = scope
                if case let .list(element) = scope.shape(of: components) {
                    inner.locals.append((variable, element))
                } else {
                    inner.locals.append((variable, .unknown))
                }
                stack.append(inner)
            case .endFor, .endWith:
                if stack.count > 1 { stack.removeLast() }
            case let .with(path):
                let components = path.split(separator: ".").map(String.init)
                if !scope.resolve(components) { problems.append("\(name): \(path)") }
                stack.append(Scope(root: scope.shape(of: components)))
            case let .extend(partial):
                // A partial reads the same model, loop variables included.
                guard depth < 8 else { problems.append("\(name): \(partial) extends itself"); continue }
                check(partial, scope: scope, readTemplate: readTemplate, problems: &problems, depth: depth + 1)
            }
        }
    }
}
