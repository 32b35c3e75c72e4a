//! ZITADEL's own texts: asked for in the console's language, never shown as
//! an untranslated key.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use lifecycle_console::language;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// No user has this id.
const NOBODY: &str = "226000000000009999";

fn open_user(id: &str, token: &str) -> Mounted {
    open_user_as(zitadel_v2(), token, id).0
}

#[wasm_bindgen_test]
async fn the_server_answers_in_the_consoles_language() {
    language::apply(language::from_tag("de").unwrap(), None);
    let page = open_user(NOBODY, OWNER);
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    language::apply(language::from_tag("en").unwrap(), None);
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Benutzer konnte nicht gefunden werden"),
        "ZITADEL's German text: {alert}"
    );
}

#[wasm_bindgen_test]
async fn an_untranslated_key_is_never_shown() {
    let page = open_user(NOBODY, "not-a-token-the-sandbox-knows");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(!alert.contains("Errors."), "{alert}");
    assert!(
        alert.contains("AUTH-7fs1e"),
        "the id stays, to quote: {alert}"
    );
}
