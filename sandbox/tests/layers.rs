//! Guards the sandbox's layers (see the comment at the top of `src/lib.rs`): every
//! module imports only modules of its own layer or below, the API surfaces never import
//! one another, and no two modules import each other, directly or in a circle.
//!
//! A module here is one source file (`weavr/store.rs` is `weavr::store`), so that a
//! surface's wire types can sit below its handlers. An import is any `crate::…` or
//! `super::…` path outside the unit tests, and a path through a module named by its bare
//! name: one of the module's own submodules (`store::find_token` in `oidc/mod.rs`) or a
//! module it imported by name (`use crate::weavr;` then `weavr::seed::…` reaches
//! `weavr::seed`, not only `weavr`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module and its layer. A new module must be placed here.
const LAYERS: &[(&str, u8)] = &[
    // L0: storage, ids, settings, wire types, constants.
    ("api_kit", 0),
    ("clock", 0),
    ("db", 0),
    ("errors", 0),
    ("faults::spec", 0),
    ("i18n", 0),
    ("model", 0),
    ("oidc::client", 0),
    ("oidc::crypto", 0),
    ("paths", 0),
    ("query", 0),
    ("random", 0),
    ("switches", 0),
    ("weavr::account", 0),
    ("weavr::idempotency", 0),
    ("weavr::wire", 0),
    // L1: the append-only event log.
    ("events", 1),
    // L2: read models, the projection dispatch, and the journal that records and applies.
    ("journal", 2),
    ("lag", 2),
    ("machine_credentials", 2),
    ("oidc::store", 2),
    ("orgs", 2),
    ("projection", 2),
    ("schema_users", 2),
    ("sessions", 2),
    ("user_grants", 2),
    ("users", 2),
    ("weavr::store", 2),
    // L3: commands, authentication, the state every handler reaches, and the wire
    // types that several surfaces answer with.
    ("api_kit::v1", 3),
    ("api_kit::v2", 3),
    ("auth", 3),
    ("credential_commands", 3),
    ("grants", 3),
    ("lifecycle", 3),
    ("session_commands", 3),
    ("state", 3),
    ("user_changes", 3),
    ("user_metadata", 3),
    ("weavr::commands", 3),
    // L4: the API surfaces (see SURFACES).
    ("auth_v1", 4),
    ("auth_v1::me", 4),
    ("auth_v1::memberships", 4),
    ("management_v1", 4),
    ("management_v1::changes", 4),
    ("management_v1::context", 4),
    ("management_v1::credentials", 4),
    ("management_v1::list", 4),
    ("management_v1::metadata", 4),
    ("management_v1::wire", 4),
    ("oidc", 4),
    ("oidc::authorize", 4),
    ("oidc::http", 4),
    ("oidc::pages", 4),
    ("oidc::session", 4),
    ("oidc::token", 4),
    ("org_v2", 4),
    ("session_v2", 4),
    ("weavr", 4),
    ("weavr::gate", 4),
    ("weavr::handlers", 4),
    ("zitadel_v2", 4),
    ("zitadel_v2::list", 4),
    ("zitadel_v2::metadata", 4),
    ("zitadel_v2::wire", 4),
    ("zitadel_v3alpha", 4),
    ("zitadel_v3alpha::commands", 4),
    ("zitadel_v3alpha::read", 4),
    ("zitadel_v3alpha::wire", 4),
    // L5: routing, faults, the seed, the server and the test harness.
    ("cors", 5),
    ("faults", 5),
    ("router", 5),
    ("seed", 5),
    ("seed::directory", 5),
    ("seed::generated", 5),
    ("seed::grants", 5),
    ("seed::people", 5),
    ("seed::schema_users", 5),
    ("seed::sessions", 5),
    ("server", 5),
    ("static_files", 5),
    ("test_support", 5),
    ("weavr::seed", 5),
];

const SURFACE_LAYER: u8 = 4;

#[test]
fn modules_import_only_their_layer_or_below() {
    let graph = import_graph();
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    if layer.len() != LAYERS.len() {
        wrong.push("a module is placed twice in LAYERS".to_string());
    }
    for module in graph.keys() {
        if !layer.contains_key(module.as_str()) {
            wrong.push(format!("{module} has no layer in tests/layers.rs"));
        }
    }
    for (from, targets) in &graph {
        let (Some(&from_layer), false) = (layer.get(from.as_str()), targets.is_empty()) else {
            continue;
        };
        for to in targets {
            let Some(&to_layer) = layer.get(to.as_str()) else {
                continue;
            };
            if to_layer > from_layer {
                wrong.push(format!("{from} (L{from_layer}) imports {to} (L{to_layer})"));
            } else if from_layer == SURFACE_LAYER
                && to_layer == SURFACE_LAYER
                && top(from) != top(to)
            {
                wrong.push(format!("surface {from} imports surface {to}"));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn no_modules_import_each_other_in_a_circle() {
    let graph = import_graph();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = find_cycle(&graph, start, &mut path, &mut done) {
            panic!("modules import each other: {}", cycle.join(" -> "));
        }
    }
}

/// The parser finds each kind of import, so the two tests above check real edges.
#[test]
fn the_graph_sees_known_imports() {
    let graph = import_graph();
    let imports = |from: &str, to: &str| graph[from].contains(to);
    // A plain `use`, a grouped `use`, a `super::` path and a module into its child.
    assert!(imports("journal", "projection"));
    assert!(imports("projection", "user_grants"));
    assert!(imports("weavr::handlers", "weavr::commands"));
    assert!(imports("faults", "faults::spec"));
    // Through a parent imported by name: `use crate::{…, weavr};` then `weavr::seed::…`.
    assert!(imports("server", "weavr::seed"));
    assert!(!imports("events", "projection"));
}

/// The parser on a snippet: a module reached through its parent's bare name counts as
/// the module itself, so an L4 file could not reach `weavr::seed` unseen.
#[test]
fn a_module_reached_through_a_bare_name_is_imported() {
    let modules: BTreeSet<String> = ["cors", "state", "weavr", "weavr::gate", "weavr::seed"]
        .map(String::from)
        .into();
    let code = "use crate::weavr;\nuse crate::{state::AppState};\n\
                fn f(_: AppState) { weavr::seed::people(); weavr::spec(); }\n";
    let set = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        imports_of("cors", code, &modules),
        set(&["state", "weavr", "weavr::seed"])
    );
    // A module reaches its own submodules by their bare names.
    assert_eq!(
        imports_of(
            "weavr",
            "fn g() { gate::check(); seed::people(); }",
            &modules
        ),
        set(&["weavr::gate", "weavr::seed"])
    );
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
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

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_files(&src, &src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|(module, _)| module.clone()).collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        let code = without_tests_and_comments(text);
        graph.insert(module.clone(), imports_of(module, &code, &modules));
    }
    graph
}

/// The modules that `code`, the file of `module`, imports.
fn imports_of(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent: Vec<String> = module
        .rsplit_once("::")
        .map_or("", |(parent, _)| parent)
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let mut paths = Vec::new();
    for start in find_all(code, "crate::") {
        paths.extend(expand(&code[start + "crate::".len()..]));
    }
    for start in find_all(code, "super::") {
        for path in expand(&code[start + "super::".len()..]) {
            paths.push([parent.clone(), path].concat());
        }
    }
    // The bare names that reach a module: its own submodules, and every module a
    // path names whole (`use crate::weavr;`, `use super::wire;`).
    let mut bare: BTreeMap<String, String> = modules
        .iter()
        .filter_map(|m| m.strip_prefix(&format!("{module}::")))
        .filter(|child| !child.contains("::"))
        .map(|child| (child.to_string(), format!("{module}::{child}")))
        .collect();
    for path in &paths {
        let whole = path.join("::");
        if let (Some(name), true) = (path.last(), modules.contains(&whole)) {
            bare.insert(name.clone(), whole);
        }
    }
    for (name, target) in &bare {
        let prefix = format!("{name}::");
        for at in find_all(code, &prefix) {
            let before = code[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == ':' {
                continue;
            }
            for rest in expand(&code[at + prefix.len()..]) {
                let through: Vec<String> = target.split("::").map(str::to_string).collect();
                paths.push([through, rest].concat());
            }
        }
    }
    paths
        .iter()
        .filter_map(|path| resolve(modules, path))
        .filter(|target| target != module)
        .collect()
}

/// `(module path, text)` of every source file but lib.rs and main.rs.
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
        let module = stem.trim_end_matches("/mod").replace('/', "::");
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        files.push((module, text));
    }
}

/// The code without line comments and without the `#[cfg(test)] mod tests` at the end.
fn without_tests_and_comments(text: &str) -> String {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    code.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn find_all(text: &str, needle: &str) -> Vec<usize> {
    text.match_indices(needle).map(|(at, _)| at).collect()
}

/// The paths named at the start of `text`: `a::b::C` gives `[a, b, C]`,
/// `a::{b, c::D}` gives `[a, b]` and `[a, c, D]`, `a::{self, b}` gives `[a]`, `[a, b]`.
fn expand(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    expand_into(text, Vec::new(), &mut paths);
    paths
}

fn expand_into(text: &str, prefix: Vec<String>, paths: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if let Some(group) = trimmed.strip_prefix('{') {
            at += 1;
            let mut inner = 0;
            loop {
                inner += expand_into(&group[inner..], path.clone(), paths);
                let next = group[inner..].trim_start();
                inner += group[inner..].len() - next.len();
                match next.strip_prefix(',') {
                    Some(after) if !after.trim_start().starts_with('}') => inner += 1,
                    _ => break,
                }
            }
            let closing = group[inner..].find('}').map_or(inner, |c| inner + c + 1);
            return at + closing;
        }
        let ident: String = trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if ident.is_empty() {
            paths.push(path);
            return at;
        }
        at += ident.len();
        if ident != "self" {
            path.push(ident);
        }
        match text[at..].strip_prefix("::") {
            Some(_) => at += 2,
            None => {
                paths.push(path);
                return at;
            }
        }
    }
}

/// The deepest module that `path` names or reaches into.
fn resolve(modules: &BTreeSet<String>, path: &[String]) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|len| path[..len].join("::"))
        .find(|candidate| modules.contains(candidate))
}
