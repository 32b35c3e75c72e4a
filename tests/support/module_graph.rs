//! Which module of a crate imports which: the one parser behind the two tests that
//! guard a house, `tests/modules.rs` (the app's top-level modules) and
//! `sandbox/tests/layers.rs` (the sandbox's layers). Each includes this file with
//! `#[path]`, so there is one way to read imports.
//!
//! A module is one source file (`weavr/store.rs` is `weavr::store`). An import is any
//! `crate::…` or `super::…` path outside the unit tests and line comments, and a path
//! through a module named by its bare name: one of the module's own submodules
//! (`store::find_token` in `oidc/mod.rs`) or a module it imported by name
//! (`use crate::weavr;` then `weavr::seed::…` reaches `weavr::seed`, not only `weavr`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What each module imports.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// `(module path, code)` of every source file under `src` but lib.rs and main.rs,
/// the code without its unit tests and line comments.
pub fn source_files(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    collect_files(src, src, &mut files);
    files
}

/// What each of `files` (from `source_files`) imports, by the rules at the top.
pub fn import_graph(files: &[(String, String)]) -> Graph {
    let modules = module_names(files);
    files
        .iter()
        .map(|(module, code)| (module.clone(), imports_of(module, code, &modules)))
        .collect()
}

pub fn module_names(files: &[(String, String)]) -> BTreeSet<String> {
    files.iter().map(|(module, _)| module.clone()).collect()
}

/// The modules that `code`, the file of `module`, imports.
pub fn imports_of(module: &str, code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
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

/// Fails, naming the circle and what each module imports, when a module
/// imports itself through others.
pub fn assert_no_cycle(graph: &Graph) {
    if let Some(cycle) = find_cycle(graph) {
        panic!(
            "modules import each other: {}\n\nwhat each module imports:\n{}",
            cycle.join(" -> "),
            describe(graph)
        );
    }
}

/// The first module that imports itself through others, as `a -> b -> a`.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| cycle_from(graph, start, &mut Vec::new(), &mut done))
}

/// One line per module: `pages -> api, auth, …`.
pub fn describe(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(module, targets)| {
            let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
            format!("{module} -> {}", targets.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn cycle_from(
    graph: &Graph,
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
        if let Some(cycle) = cycle_from(graph, next, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    done.insert(module.to_string());
    None
}

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
        files.push((module, without_tests_and_comments(&text)));
    }
}

/// The code without line comments and without the unit tests at the end (a
/// `#[cfg(…test…)]` line before `mod …`).
pub fn without_tests_and_comments(text: &str) -> String {
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
