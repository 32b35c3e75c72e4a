//! Guards the house of `src/`: its top-level modules (`api`, `pages`, `auth`…; a
//! directory is one module) stand on floors, and each imports only modules on a
//! floor below its own, so no two of them import each other, directly or in a circle.
//!
//! An import is what `tests/support/module_graph.rs` reads as one (the parser this test
//! shares with the sandbox's layers test), counted between top-level modules, and every
//! `tr!`: the macro expands to `$crate::language::…`, which is why `language` stands on
//! the ground floor with `storage` only below it.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/module_graph.rs"]
mod module_graph;

use module_graph::{assert_no_cycle, describe, without_tests_and_comments, Graph};
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
    assert_no_cycle(&graph);
    println!("{}", describe(&graph));
}

/// The parser finds each kind of import on a snippet, and real edges in src/.
#[test]
fn the_graph_sees_known_imports() {
    let modules: BTreeSet<String> = ["api", "domain", "http", "language", "pages", "routes"]
        .map(String::from)
        .into();
    let code = without_tests_and_comments(
        "use crate::{domain::User, http::{self, ApiError}};\n\
         // crate::routes::USERS in a comment is no import\n\
         fn f() -> &'static str { let _ = crate::api::Api::current(); tr!(common.brand) }\n\
         #[cfg(all(test, not(target_arch = \"wasm32\")))]\nmod tests { use crate::routes; }\n",
    );
    assert_eq!(
        top_level(
            "pages",
            &module_graph::imports_of("pages", &code, &modules),
            &code
        ),
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

/// Every top-level module and what it imports: the files' graph, each file counted
/// as its top-level module.
fn import_graph() -> Graph {
    let files = module_graph::source_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let by_file = module_graph::import_graph(&files);
    let mut graph = Graph::new();
    for (module, code) in &files {
        graph
            .entry(top(module).to_string())
            .or_default()
            .extend(top_level(module, &by_file[module], code));
    }
    graph
}

/// The other top-level modules among `targets`, what the file of `module` imports,
/// and `language` when its `code` uses `tr!`.
fn top_level(module: &str, targets: &BTreeSet<String>, code: &str) -> BTreeSet<String> {
    let mut named: BTreeSet<String> = targets.iter().map(|t| top(t).to_string()).collect();
    if uses_tr(code) {
        named.insert("language".into());
    }
    named.remove(top(module));
    named
}

fn uses_tr(code: &str) -> bool {
    code.match_indices("tr!").any(|(at, _)| {
        let before = code[..at].chars().next_back().unwrap_or(' ');
        !(before.is_alphanumeric() || before == '_')
    })
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}
