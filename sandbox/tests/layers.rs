//! Guards the sandbox's layers (see the comment at the top of `src/lib.rs`): every
//! module imports only modules of its own layer or below, the API surfaces never import
//! one another, and no two modules import each other, directly or in a circle.
//!
//! A module here is one source file (`weavr/store.rs` is `weavr::store`), so that a
//! surface's wire types can sit below its handlers. What counts as an import is said in
//! `tests/support/module_graph.rs`, the parser this test shares with the app's
//! `tests/modules.rs`.

#[path = "../../tests/support/module_graph.rs"]
mod module_graph;

use module_graph::{assert_no_cycle, imports_of, Graph};
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
    assert_no_cycle(&graph);
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

fn import_graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    module_graph::import_graph(&module_graph::source_files(&src))
}
