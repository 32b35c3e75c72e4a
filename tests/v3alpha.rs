//! The user page on a ZITADEL v3alpha connection: v3alpha actions (lock is a
//! flag beside the state), v3alpha details (owner object, no sequence).
//! Uses generated users (`--seed`), so it never touches the v2 suite's users.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::UserDetail;
use lifecycle_console::providers::ProviderApi;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn open_user(id: &str) -> Mounted {
    let id = id.to_string();
    let connection = connection(ProviderApi::ZitadelV3Alpha, "", Some(ACME));
    mount(connection, OWNER, move || {
        view! { <UserDetail user_id=id/> }.into_any()
    })
}

#[wasm_bindgen_test]
async fn lock_and_unlock_through_v3alpha() {
    let id = generated(1);
    let page = open_user(&id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    assert_eq!(page.enabled_actions(), ["Deactivate", "Lock", "Delete"]);

    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Lock");
    wait_until(&page, "the locked badge", |p| p.badge() == "Locked").await;
    let details = page.details();
    assert!(
        details.contains("Organization") && details.contains(ACME),
        "{details}"
    );
    assert!(details.contains("Changed"), "{details}");
    assert_eq!(server_state(&id).await, "USER_STATE_LOCKED");

    page.action("Unlock").click();
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert_eq!(server_state(&id).await, "USER_STATE_ACTIVE");
}

#[wasm_bindgen_test]
async fn v3alpha_locks_an_inactive_user() {
    let page = open_user(&generated(6));
    wait_until(&page, "the user", |p| p.badge() == "Inactive").await;
    assert_eq!(page.enabled_actions(), ["Reactivate", "Lock", "Delete"]);
}

#[wasm_bindgen_test]
async fn a_refused_v3alpha_transition_is_explained_then_reconciled() {
    let id = generated(2);
    let page = open_user(&id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    let (status, _) = direct(
        "POST",
        &format!("/resources/v3alpha/users/{id}/_lock"),
        OWNER,
        &[],
        None,
    )
    .await;
    assert_eq!(status, 200);

    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Lock");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not possible in the current state") && alert.contains("COMMAND-G4LOrnjY7q"),
        "{alert}"
    );
    wait_until(&page, "the fresh state", |p| p.badge() == "Locked").await;
}
