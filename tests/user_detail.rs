//! The user detail page for ZITADEL user v2, in headless Chromium against
//! the sandbox. Each test uses its own seeded user, so the tests do not
//! depend on each other.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::UserDetail;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn open_user(id: &str, token: &str) -> Mounted {
    open_user_as(zitadel_v2(), token, id).0
}

#[wasm_bindgen_test]
async fn shows_an_active_user_with_the_actions_its_state_allows() {
    let page = open_user("226000000000000002", OWNER);
    wait_until(&page, "the user", |p| p.heading() == "Mickey Mouse").await;
    assert_eq!(page.badge(), "Active");
    assert_eq!(
        page.query("[data-testid=login-name]").unwrap().inner_text(),
        "mickey-mouse@acme.example.com"
    );
    assert_eq!(
        page.action_labels(),
        ["Deactivate", "Reactivate", "Lock", "Unlock", "Delete"]
    );
    assert_eq!(page.enabled_actions(), ["Deactivate", "Lock", "Delete"]);
    assert_eq!(
        page.action("Unlock").title(),
        "Only a locked user can be unlocked."
    );
    let details = page.details();
    assert!(
        details.contains("Organization") && details.contains(ACME),
        "{details}"
    );
    assert!(details.contains("Sequence"), "{details}");
    let changed = page
        .query("[data-testid=details] time")
        .expect("a changed timestamp");
    assert!(
        changed.title().ends_with("Z (UTC)"),
        "hover shows the UTC instant: {}",
        changed.title()
    );
    assert!(
        changed.inner_text().contains("ago"),
        "relative time: {}",
        changed.inner_text()
    );
}

#[wasm_bindgen_test]
async fn each_state_enables_only_its_allowed_actions() {
    for (id, state, allowed) in [
        (
            "226000000000000003",
            "Inactive",
            vec!["Reactivate", "Delete"],
        ),
        (
            "226000000000000004",
            "Locked",
            vec!["Deactivate", "Unlock", "Delete"],
        ),
        ("226000000000000005", "Initial", vec!["Lock", "Delete"]),
    ] {
        let page = open_user(id, OWNER);
        wait_until(&page, state, |p| p.badge() == state).await;
        assert_eq!(page.enabled_actions(), allowed, "{state}");
    }
}

#[wasm_bindgen_test]
async fn deactivate_asks_first_then_shows_the_state_the_server_confirmed() {
    let page = open_user("226000000000000008", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    let details_before = page.details();

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    assert_eq!(
        dialog
            .query_selector("h2")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Deactivate Scrooge McDuck?"
    );
    let reason: web_sys::HtmlTextAreaElement = dialog
        .query_selector("textarea")
        .unwrap()
        .expect("a reason field")
        .unchecked_into();
    reason.set_value("Left the company");
    page.confirm("Deactivate");

    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert!(page.dialog().is_none());
    assert_eq!(page.enabled_actions(), ["Reactivate", "Delete"]);
    assert_eq!(
        server_state("226000000000000008").await,
        "USER_STATE_INACTIVE"
    );
    assert_ne!(
        page.details(),
        details_before,
        "the details show the change the server returned"
    );

    // Reactivate undoes a destructive step, so it does not ask.
    page.action("Reactivate").click();
    assert!(page.dialog().is_none());
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert_eq!(
        server_state("226000000000000008").await,
        "USER_STATE_ACTIVE"
    );
    // The delayed re-read must not flip the state back.
    sleep(1_500).await;
    assert_eq!(page.badge(), "Active");
}

#[wasm_bindgen_test]
async fn cancel_changes_nothing() {
    let page = open_user("226000000000000009", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Cancel");
    wait_until(&page, "the dialog to close", |p| p.dialog().is_none()).await;
    assert_eq!(page.badge(), "Active");
    assert_eq!(
        server_state("226000000000000009").await,
        "USER_STATE_ACTIVE"
    );
}

#[wasm_bindgen_test]
async fn a_change_made_elsewhere_gives_the_server_error_and_then_the_fresh_state() {
    // The page shows Dewey locked; another admin unlocks him meanwhile.
    let page = open_user("226000000000000010", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Locked").await;
    let (status, _) = direct(
        "POST",
        "/v2/users/226000000000000010/unlock",
        OWNER,
        &[],
        Some("{}"),
    )
    .await;
    assert_eq!(status, 200);

    page.action("Unlock").click();
    wait_until(&page, "the server's refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not possible in the current state"),
        "{alert}"
    );
    assert!(alert.contains("User is not locked"), "{alert}");
    assert!(alert.contains("COMMAND-olb9vb0oca"), "{alert}");
    wait_until(&page, "the fresh state", |p| p.badge() == "Active").await;
}

#[wasm_bindgen_test]
async fn delete_needs_the_user_name_typed() {
    let page = open_user("226000000000000011", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Inactive").await;
    page.action("Delete").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    let confirm = button_in(&dialog, "Delete").unwrap();
    assert!(confirm.disabled());

    let input: web_sys::HtmlInputElement = dialog
        .query_selector("input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    for (typed, enabled) in [("louie", false), ("louie-duck", true)] {
        type_into(&input, typed);
        sleep(20).await;
        assert_eq!(!confirm.disabled(), enabled, "after typing {typed:?}");
    }
    confirm.click();
    wait_until(&page, "the deleted badge", |p| p.badge() == "Deleted").await;
    assert!(page.text().contains("This user was deleted"));
    assert!(page.enabled_actions().is_empty());
    assert_eq!(
        direct("GET", "/v2/users/226000000000000011", OWNER, &[], None)
            .await
            .0,
        404
    );
}

#[wasm_bindgen_test]
async fn a_refused_permission_is_explained_and_the_state_kept() {
    let page = open_user("226000000000000007", VIEWER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Lock");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        // ZITADEL v4's answer for a role without the permission.
        alert.contains("Not allowed") && alert.contains("AUTH-AWfge"),
        "{alert}"
    );
    assert_eq!(page.badge(), "Active");
}

#[wasm_bindgen_test]
async fn an_unknown_user_says_not_found() {
    let page = open_user("999999999999999999", OWNER);
    wait_until(&page, "the error", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not found") && alert.contains("User could not be found"),
        "{alert}"
    );
    assert!(
        page.query(".action-bar").is_none(),
        "no actions for a user the server did not return"
    );
}

#[wasm_bindgen_test]
async fn a_rejected_token_offers_to_sign_in_again() {
    let page = open_user("226000000000000002", "not-a-token");
    wait_until(&page, "the error", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("You are signed out") && alert.contains("AUTH-7fs1e"),
        "{alert}"
    );
    let link = page.query("[role=alert] a").expect("a sign-in link");
    assert_eq!(
        link.get_attribute("href").unwrap(),
        "/sign-in?next=%2Fusers%2F226000000000000002"
    );
}

#[wasm_bindgen_test]
async fn markup_in_a_name_is_shown_as_text() {
    let page = open_user("226000000000000012", OWNER);
    wait_until(&page, "the user", |p| !p.heading().is_empty()).await;
    assert_eq!(page.heading(), "<img src=x onerror=alert(1)>");
    assert!(page.query("img").is_none());
}

#[wasm_bindgen_test]
async fn the_users_grants_are_listed_with_links() {
    let page = open_user("226000000000000001", OWNER);
    wait_until(&page, "the grants", |p| {
        p.query("tr[data-grant-id]").is_some()
    })
    .await;
    let rows = page.query(".grants tbody").unwrap().inner_text();
    assert!(
        rows.contains("Portal") && rows.contains("reader") && rows.contains("Active"),
        "{rows}"
    );
    assert!(
        rows.contains("Billing") && rows.contains("admin, auditor") && rows.contains("Inactive"),
        "{rows}"
    );
    let link = page
        .query("tr[data-grant-id='70000000000000001'] a")
        .unwrap();
    assert_eq!(
        link.get_attribute("href").unwrap(),
        "/users/226000000000000001/grants/70000000000000001"
    );
}

#[wasm_bindgen_test]
async fn losing_access_keeps_the_confirmed_state_and_never_says_deleted() {
    let id = generated(1);
    let (page, session) = open_user_as(zitadel_v2(), OWNER, &id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    // Another admin took the roles in ACME away: this token reaches Globex only.
    session.sign_in(GLOBEX_MANAGER, None);
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Lock");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("No access any more") && alert.contains("AUTHZ-cdgFk"),
        "{alert}"
    );
    sleep(300).await;
    assert_eq!(page.badge(), "Active", "the last confirmed state stays");
    assert!(!page.text().contains("deleted"), "{}", page.text());
    assert_eq!(server_state(&id).await, "USER_STATE_ACTIVE");
}

#[wasm_bindgen_test]
async fn a_user_the_admin_cannot_reach_is_not_called_missing() {
    let page = open_user(&generated(1), GLOBEX_MANAGER);
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("No access any more") && !alert.contains("Not found"),
        "{alert}"
    );
}

#[wasm_bindgen_test]
async fn a_server_older_than_2_58_is_named_instead_of_user_not_found() {
    debug_settings(serde_json::json!({ "zitadelVersion": "2.57.0" })).await;
    let page = open_user(&generated(1), OWNER);
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Server version too old") && alert.contains("2.58"),
        "{alert}"
    );
    assert!(!alert.contains("Not found"), "{alert}");
}

#[wasm_bindgen_test]
async fn the_owner_is_named_once_the_organisations_are_known() {
    for token in [OWNER, ACME_MANAGER] {
        let page = mount(zitadel_v2(), token, || {
            // What the organisation menu does on every page.
            let api = lifecycle_console::api::Api::current();
            leptos::task::spawn_local(async move {
                api.list_organizations().await.expect("the organisations");
            });
            view! { <UserDetail user_id="226000000000000002"/> }.into_any()
        });
        wait_until(&page, "the owner's name", |p| p.details().contains("ACME")).await;
        let details = page.details();
        assert!(
            details.contains(&format!("Organization ACME {ACME}")),
            "the id stays visible: {details}"
        );
        let scope = format!("Grants owned by organisation ACME ({ACME}).");
        wait_until(&page, "the grants' organisation named", |p| {
            p.text().contains(&scope)
        })
        .await;
    }
}
