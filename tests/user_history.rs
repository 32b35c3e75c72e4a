//! The user page's history against the sandbox: paging, a failing read that
//! leaves the rest of the page, and a reason whose storing fails after the
//! change succeeded. Each test uses its own generated user.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use lifecycle_console::config::Connection;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A v2 connection that keeps reasons on the user.
fn recording() -> Connection {
    Connection {
        record_reasons: true,
        ..zitadel_v2()
    }
}

fn open_user(connection: Connection, id: &str) -> Mounted {
    open_user_as(connection, OWNER, id).0
}

/// The history's rows: (sequence, change text, reason).
fn history_rows(page: &Mounted) -> Vec<(String, String, String)> {
    let rows = page
        .container
        .query_selector_all("[data-testid=history-table] tbody tr")
        .unwrap();
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .map(|row| row.unchecked_into::<web_sys::HtmlElement>())
        .map(|row| {
            let cell = |n: u32| {
                row.query_selector(&format!("td:nth-child({n})"))
                    .unwrap()
                    .map(|c| c.unchecked_into::<web_sys::HtmlElement>().inner_text())
                    .unwrap_or_default()
            };
            (cell(3), cell(2), cell(5))
        })
        .collect()
}

/// Types `text` into the confirmation's reason field, as a person would.
fn give_reason(dialog: &web_sys::HtmlElement, text: &str) {
    let reason: web_sys::HtmlTextAreaElement = dialog
        .query_selector("textarea")
        .unwrap()
        .expect("a reason field")
        .unchecked_into();
    reason.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    reason
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_history_pages_back_by_sequence_newest_first() {
    let id = generated(52);
    // 22 changes and the creation: more than one page of 20.
    for action in ["lock", "unlock"].repeat(11) {
        let (status, body) = direct(
            "POST",
            &format!("/v2/users/{id}/{action}"),
            OWNER,
            &[],
            Some("{}"),
        )
        .await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    let page = open_user(zitadel_v2(), &id);
    wait_until(&page, "a full first page", |p| history_rows(p).len() == 20).await;
    let first = history_rows(&page);
    assert_eq!(first[0].0, "23", "newest first: {first:?}");
    assert_eq!(first[0].1, "User unlocked");
    assert!(first[1].1 == "User locked", "{first:?}");
    let older = page
        .query("[data-testid=history-older]")
        .expect("a button for older changes");
    older.click();
    wait_until(&page, "the older changes", |p| history_rows(p).len() == 23).await;
    let all = history_rows(&page);
    assert_eq!(all[22].0, "1");
    assert_eq!(all[22].1, "Person added");
    assert!(
        page.query("[data-testid=history-older]").is_none(),
        "the last page was short: nothing older"
    );
}

#[wasm_bindgen_test]
async fn a_failing_history_read_says_so_and_leaves_the_page() {
    let id = generated(53);
    arm_fault(
        "POST",
        &format!("/management/v1/users/{id}/changes"),
        "status=500",
        1,
    )
    .await;
    let page = open_user(zitadel_v2(), &id);
    wait_until(&page, "the failed read", |p| {
        p.query("[data-testid=history-read-failed]").is_some()
    })
    .await;
    assert_eq!(page.badge(), "Active", "the user is still shown");
    assert_eq!(page.enabled_actions(), ["Deactivate", "Lock", "Delete"]);
    let failed = page.query("[data-testid=history-read-failed]").unwrap();
    button_in(&failed, "Try again").expect("a retry").click();
    wait_until(&page, "the history", |p| !history_rows(p).is_empty()).await;
    assert!(page.query("[data-testid=history-read-failed]").is_none());
}

#[wasm_bindgen_test]
async fn a_reason_that_fails_to_store_keeps_the_change_and_can_be_stored_alone() {
    let id = generated(54);
    let page = open_user(recording(), &id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    wait_until(&page, "the history", |p| !history_rows(p).is_empty()).await;
    arm_fault("POST", &format!("/v2/users/{id}/metadata"), "status=500", 1).await;

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    let hint = dialog
        .query_selector("[data-testid=reason-hint]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    assert!(hint.contains("lifecycle-console.reasons"), "{hint}");
    give_reason(&dialog, "Left the company");
    page.confirm("Deactivate");

    wait_until(&page, "the reason not kept", |p| {
        p.query("[data-testid=reason-not-kept]").is_some()
    })
    .await;
    // The change stands, shown and listed, without its reason.
    assert_eq!(page.badge(), "Inactive");
    assert_eq!(server_state(&id).await, "USER_STATE_INACTIVE");
    wait_until(&page, "the change in the history", |p| {
        history_rows(p)
            .first()
            .is_some_and(|r| r.1 == "User deactivated")
    })
    .await;
    assert_eq!(history_rows(&page)[0].2, "");

    page.query("[data-testid=retry-reason]").unwrap().click();
    wait_until(&page, "the reason next to its change", |p| {
        history_rows(p)
            .iter()
            .any(|r| r.1 == "User deactivated" && r.2 == "Left the company")
    })
    .await;
    assert!(page.query("[data-testid=reason-not-kept]").is_none());
    // Only the metadata was written: one deactivation, then one metadata write.
    let rows = history_rows(&page);
    let deactivations = rows.iter().filter(|r| r.1 == "User deactivated").count();
    assert_eq!(deactivations, 1, "{rows:?}");
    assert_eq!(rows[0].1, "User metadata set", "{rows:?}");
}

#[wasm_bindgen_test]
async fn a_server_before_4_0_keeps_the_reason_through_management_v1() {
    // A Globex user: the history and the reason are read in the user's own
    // organisation, not the connection's (ACME).
    let id = generated(55);
    debug_settings(serde_json::json!({ "zitadelVersion": "3.4.9" })).await;
    let page = open_user(recording(), &id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    wait_until(&page, "the history", |p| !history_rows(p).is_empty()).await;
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    give_reason(&page.dialog().unwrap(), "Phished");
    page.confirm("Lock");
    wait_until(&page, "the reason next to the lock", |p| {
        history_rows(p)
            .iter()
            .any(|r| r.1 == "User locked" && r.2 == "Phished")
    })
    .await;
    debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
    assert!(page.query("[data-testid=reason-not-kept]").is_none());
    assert_eq!(page.badge(), "Locked");
}

#[wasm_bindgen_test]
async fn a_weavr_user_page_says_there_is_no_history_rather_than_an_empty_one() {
    use lifecycle_console::providers::ProviderApi;
    let weavr = connection(ProviderApi::WeavrMulti, "/weavr/multi", None);
    let id = "110747174434373672".to_string();
    let page = open_user_as(weavr, WEAVR_ADMIN, &id).0;
    wait_until(&page, "the user", |p| !p.badge().is_empty()).await;
    let note = page
        .query("[data-testid=history-unavailable]")
        .expect("the history says why it is missing");
    assert!(
        note.inner_text().contains("does not list"),
        "{}",
        note.inner_text()
    );
    assert!(page.query("[data-testid=history-table]").is_none());
    assert!(page.query("[data-testid=history-empty]").is_none());
}
