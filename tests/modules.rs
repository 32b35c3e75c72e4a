//! Guards the house of `src/`: its top-level modules (`api`, `pages`, `auth`…; a
//! directory is one module) stand on floors, and each imports only modules on a
//! floor below its own, so no two of them import each other, directly or in a circle.
//!
//! An import is a `crate::x` path outside the unit tests and comments (a `use` or a
//! path in code, grouped or not), and every `tr!`: the macro expands to
//! `$crate::language::…`, which is why `language` stands on the ground floor with
//! `storage` only below it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors, from the ground up. A new top-level module must be placed here.
const FLOORS: &[&[&str]] = &[
    // Browser storage, the base path, downloads: nothing of the app.
    &["download", "site", "storage"],
    // The catalogue, which every `tr!` reaches.
    &["language"],
    // Transport, and the theme (the top bar's, stored like the language).
    &["http", "theme"],
    // Plain Rust: the domain, then the providers' wire and the in-app addresses.
    &["domain"],
    &["providers", "routes"],
    &["config"],
    &["auth"],
    &["api"],
    // What pages share: the views, and the tab's connection and organisation.
    &["components", "workspace"],
    &["layout"],
    &["pages"],
    &["app"],
];

#[test]
fn modules_import_only_modules_on_lower_floors() {
    let graph = import_graph();
    let floor: BTreeMap<&str, usize> = FLOORS
        .iter()
        .enumerate()
        .flat_map(|(level, modules)| modules.iter().map(move |m| (*m, level)))
        .collect();
    let mut wrong = Vec::new();
    for (from, targets) in &graph {
        let Some(&from_floor) = floor.get(from.as_str()) else {
            wrong.push(format!("{from} has no floor in tests/modules.rs"));
            continue;
        };
        for to in targets {
            if floor
                .get(to.as_str())
                .is_some_and(|&to_floor| to_floor >= from_floor)
            {
                wrong.push(format!("{from} (floor {from_floor}) imports {to}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the house of src/ is broken:\n{}\n\nwhat each module imports:\n{}",
        wrong.join("\n"),
        describe(&graph)
    );
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let graph = import_graph();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        if let Some(cycle) = find_cycle(&graph, start, &mut Vec::new(), &mut done) {
            panic!(
                "modules import each other: {}\n\nwhat each module imports:\n{}",
                cycle.join(" -> "),
                describe(&graph)
            );
        }
    }
    println!("{}", describe(&graph));
}

/// The parser finds each kind of import on a snippet, and real edges in src/.
#[test]
fn the_graph_sees_known_imports() {
    let modules: BTreeSet<String> = ["api", "domain", "http", "language", "routes"]
        .map(String::from)
        .into();
    let code = without_tests_and_comments(
        "use crate::{domain::User, http::{self, ApiError}};\n\
         // crate::routes::USERS in a comment is no import\n\
         fn f() -> &'static str { let _ = crate::api::Api::current(); tr!(common.brand) }\n\
         #[cfg(all(test, not(target_arch = \"wasm32\")))]\nmod tests { use crate::routes; }\n",
    );
    assert_eq!(
        imports_of("pages", &code, &modules),
        ["api", "domain", "http", "language"]
            .map(String::from)
            .into()
    );

    let graph = import_graph();
    let imports = |from: &str, to: &str| graph[from].contains(to);
    assert!(imports("pages", "api"));
    assert!(imports("layout", "workspace"));
    assert!(imports("http", "language"), "through tr!");
    assert!(!imports("language", "workspace"));
}

/// Every top-level module and what it imports.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_files(&src, &src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(module, _)| module.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, text) in &files {
        let code = without_tests_and_comments(text);
        graph
            .entry(module.clone())
            .or_default()
            .extend(imports_of(module, &code, &modules));
    }
    graph
}

/// The other top-level modules that `code`, a file of `module`, imports.
fn imports_of(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut named: Vec<String> = code
        .match_indices("crate::")
        .flat_map(|(at, _)| first_segments(&code[at + "crate::".len()..]))
        .collect();
    let uses_tr = code.match_indices("tr!").any(|(at, _)| {
        let before = code[..at].chars().next_back().unwrap_or(' ');
        !(before.is_alphanumeric() || before == '_')
    });
    if uses_tr {
        named.push("language".into());
    }
    named
        .into_iter()
        .filter(|name| name != module && modules.contains(name))
        .collect()
}

/// The first segment of each path at the start of `text`: `a::B` gives `a`,
/// `{a::B, b}` gives `a` and `b`.
fn first_segments(text: &str) -> Vec<String> {
    let ident = |text: &str| -> String {
        let text = text.trim_start();
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = text.strip_prefix('{') else {
        return vec![ident(text)];
    };
    // Split the group at its own commas, not those of nested groups.
    let (mut depth, mut start, mut names) = (0, 0, Vec::new());
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(ident(&group[start..at]));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(ident(&group[start..at]));
                start = at + 1;
            }
            _ => {}
        }
    }
    names
}

/// `(top-level module, text)` of every source file but lib.rs and main.rs.
fn collect_files(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(root, &path, files);
            continue;
        }
        let relative = path.strip_prefix(root).expect("under src/");
        let name = relative.to_string_lossy().replace('\\', "/");
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if stem == "lib" || stem == "main" {
            continue;
        }
        let module = stem.split('/').next().unwrap_or(stem).to_string();
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        files.push((module, text));
    }
}

/// The code without line comments and without the unit tests at the end (a
/// `#[cfg(…test…)]` line before `mod …`).
fn without_tests_and_comments(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let tests_start = lines
        .windows(2)
        .position(|pair| {
            pair[0].starts_with("#[cfg(") && pair[0].contains("test") && pair[1].starts_with("mod ")
        })
        .unwrap_or(lines.len());
    lines[..tests_start]
        .iter()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn find_cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    module: &str,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|m| m == module) {
        let mut cycle = path[at..].to_vec();
        cycle.push(module.to_string());
        return Some(cycle);
    }
    if done.contains(module) {
        return None;
    }
    path.push(module.to_string());
    for next in graph.get(module).into_iter().flatten() {
        if let Some(cycle) = find_cycle(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(module.to_string());
    None
}

/// One line per module: `pages -> api, auth, …`.
fn describe(graph: &BTreeMap<String, BTreeSet<String>>) -> String {
    graph
        .iter()
        .map(|(module, targets)| {
            let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
            format!("{module} -> {}", targets.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
