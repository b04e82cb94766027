//! Joins each served script from the ES modules in `web/`, without Node: the entry
//! (`web/auth_component.js`, `web/auth_header_component.js`, `web/console/main.js`,
//! `web/pages/demo.js`, `web/hosted/main.js`) and the modules it imports, each
//! once and before its importers, with `import` statements dropped and `export` keywords removed,
//! inside one function so that nothing but what the script installs reaches the page
//! (docs/architecture.md rule 1). The results are in `OUT_DIR` for `src/assets.rs`.
//!
//! The modules share that one scope, so the join checks what ES modules would have kept apart:
//! every top-level name is declared once in the bundle, every imported name is exported by its
//! module, and imports form no cycle. Only the plain forms are read: `import { a, b } from
//! "./x.js";` (one or more lines) and `export` before `const`, `let`, `function`, `async
//! function` or `class` at the start of a line.
//!
//! One more form is filled in: a top-level `const NAME = {}; // build.rs: embed DIR` becomes an
//! object of the text files in `web/DIR`, by file name (the console's snippet templates, so that
//! the script carries the very text the README's test checks).

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

/// The served scripts: the name it is written as in `OUT_DIR`, and its entry below `web/`,
/// joined with its imports.
const ENTRIES: [(&str, &str); 5] = [
    ("auth_component.js", "auth_component.js"),
    ("auth_header_component.js", "auth_header_component.js"),
    ("console.js", "console/main.js"),
    ("demo.js", "pages/demo.js"),
    ("hosted.js", "hosted/main.js"),
];

/// The comment that asks for a directory's files to be embedded (see the module doc).
const EMBED: &str = "// build.rs: embed ";

/// The declaration keywords a top-level name follows, longest first.
const DECLARATIONS: [&str; 5] = ["async function ", "function ", "const ", "class ", "let "];

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let web = Path::new(&manifest).join("../../web");
    println!("cargo:rerun-if-changed={}", web.display());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    for (name, entry) in ENTRIES {
        let written = bundle(&web, entry)
            .and_then(|script| fs::write(out.join(name), script).map_err(|e| e.to_string()));
        if let Err(error) = written {
            eprintln!("web/{entry}: {error}");
            std::process::exit(1);
        }
    }
}

/// One module, read: what it imports and exports, and its text without either keyword.
struct Module {
    /// Its path below `web/`, as the bundle's comments and errors name it.
    name: String,
    imports: Vec<Import>,
    exports: HashSet<String>,
    declared: Vec<String>,
    body: String,
}

struct Import {
    names: Vec<String>,
    from: PathBuf,
}

/// The classic script for `entry`.
fn bundle(web: &Path, entry: &str) -> Result<String, String> {
    let mut order = Vec::new();
    let mut modules = BTreeMap::new();
    visit(
        web,
        &normalise(&web.join(entry)),
        &mut Vec::new(),
        &mut modules,
        &mut order,
    )?;

    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for module in modules.values() {
        for name in &module.declared {
            if let Some(first) = owner.insert(name, &module.name) {
                return Err(format!(
                    "`{name}` is declared at the top of both {first} and {}: the bundle is one scope, rename one",
                    module.name
                ));
            }
        }
        for import in &module.imports {
            let target = &modules[&import.from];
            if let Some(missing) = import.names.iter().find(|n| !target.exports.contains(*n)) {
                return Err(format!(
                    "{} imports `{missing}` from {}, which does not export it",
                    module.name, target.name
                ));
            }
        }
    }

    let mut script = format!(
        "// Auth Return's {entry}, joined by crates/server/build.rs from web/{entry} and the\n\
         // modules it imports (edit those, not this).\n\"use strict\";\n(() => {{\n"
    );
    for path in &order {
        let module = &modules[path];
        script.push_str(&format!("// ---- web/{}\n{}\n", module.name, module.body));
    }
    script.push_str("})();\n");
    Ok(script)
}

/// Reads `path` and, first, every module it imports: `order` lists each once, after its imports.
fn visit(
    web: &Path,
    path: &Path,
    stack: &mut Vec<PathBuf>,
    modules: &mut BTreeMap<PathBuf, Module>,
    order: &mut Vec<PathBuf>,
) -> Result<(), String> {
    if modules.contains_key(path) {
        return Ok(());
    }
    if stack.iter().any(|p| p == path) {
        return Err(format!("an import cycle through {}", display(web, path)));
    }
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", display(web, path)))?;
    let dir = path.parent().unwrap_or(web);
    let mut module = parse(display(web, path), dir, &text)?;
    module.body = embed(web, &module.name, &module.body)?;
    stack.push(path.to_path_buf());
    for import in &module.imports {
        visit(web, &import.from, stack, modules, order)?;
    }
    stack.pop();
    order.push(path.to_path_buf());
    modules.insert(path.to_path_buf(), module);
    Ok(())
}

fn parse(name: String, dir: &Path, text: &str) -> Result<Module, String> {
    let mut module = Module {
        name,
        imports: Vec::new(),
        exports: HashSet::new(),
        declared: Vec::new(),
        body: String::new(),
    };
    let mut pending: Option<String> = None;
    for line in text.lines() {
        if let Some(statement) = pending.as_mut() {
            statement.push(' ');
            statement.push_str(line.trim());
        } else if line.starts_with("import ") {
            pending = Some(line.to_owned());
        } else {
            let (exported, code) = match line.strip_prefix("export ") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            if let Some(declared) = declared_name(code) {
                let declared = declared.map_err(|e| format!("{}: {e}: {line}", module.name))?;
                if exported {
                    module.exports.insert(declared.clone());
                }
                module.declared.push(declared);
            } else if exported {
                return Err(format!(
                    "{}: only `export` before a declaration is joined: {line}",
                    module.name
                ));
            }
            module.body.push_str(code);
            module.body.push('\n');
            continue;
        }
        if let Some(statement) = pending.take_if(|s| s.trim_end().ends_with(';')) {
            let import = parse_import(dir, &statement)
                .map_err(|e| format!("{}: {e}: {statement}", module.name))?;
            module.imports.push(import);
        }
    }
    match pending {
        Some(statement) => Err(format!("{}: unfinished import: {statement}", module.name)),
        None => Ok(module),
    }
}

/// The name a top-level declaration on this line declares, if the line starts one.
fn declared_name(code: &str) -> Option<Result<String, String>> {
    let rest = DECLARATIONS.iter().find_map(|k| code.strip_prefix(k))?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    Some(if name.is_empty() {
        Err("a top-level declaration without a plain name".into())
    } else {
        Ok(name)
    })
}

/// `import { a, b } from "./x.js";`, the one form joined.
fn parse_import(dir: &Path, statement: &str) -> Result<Import, String> {
    let form = "only `import { a, b } from \"./relative.js\";` is joined";
    let rest = statement
        .trim()
        .strip_prefix("import")
        .map(str::trim_start)
        .and_then(|s| s.strip_prefix('{'))
        .ok_or(form)?;
    let (list, rest) = rest.split_once('}').ok_or(form)?;
    let names: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() || names.iter().any(|n| n.contains(char::is_whitespace)) {
        return Err(form.into());
    }
    let from = rest
        .trim()
        .strip_prefix("from")
        .map(str::trim)
        .and_then(|s| s.strip_suffix(';'))
        .map(|s| s.trim().trim_matches('"'))
        .filter(|p| p.starts_with("./") || p.starts_with("../"))
        .ok_or(form)?;
    Ok(Import {
        names,
        from: normalise(&dir.join(from)),
    })
}

/// `body` with each `const NAME = {}; // build.rs: embed DIR` line given the files of `web/DIR`.
fn embed(web: &Path, module: &str, body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        let Some((code, dir)) = line.split_once(EMBED) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let code = code.trim_end();
        let head = code
            .strip_suffix("{};")
            .filter(|head| head.starts_with("const ") && head.trim_end().ends_with('='))
            .ok_or_else(|| format!("{module}: embed only `const NAME = {{}};`: {line}"))?;
        let folder = web.join(dir.trim());
        let mut files: Vec<PathBuf> = fs::read_dir(&folder)
            .map_err(|e| format!("{module}: {}: {e}", folder.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        out.push_str(head);
        out.push_str("{\n");
        for file in files {
            let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push_str(&format!("  {}: {},\n", js_string(&name), js_string(&text)));
        }
        out.push_str("};\n");
    }
    Ok(out)
}

/// `text` as a JavaScript (and JSON) string literal.
fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '<' => out.push_str("\\u003c"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `path` without `.` and `..` parts, so that one module reached two ways is one key.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some_and(|n| n != "..") => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn display(web: &Path, path: &Path) -> String {
    let web = normalise(web);
    let path = normalise(path);
    path.strip_prefix(&web)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned()
}
