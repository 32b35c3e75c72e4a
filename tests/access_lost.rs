//! Losing access, or an older server, is never told as "deleted" or "not
//! found" on the pages beyond the user page: the users list and its export,
//! the pasted list (lookup and run), the history, offboarding, and a grant
//! page opened before the access went. ZITADEL answers a caller without a
//! role in the object's organisation 404 `AUTHZ-cdgFk` ("membership not
//! found", `internal/api/authz/permissions.go`), a role without the right
//! 403, and a server before v2.58 the gateway's 404 for `/v2/users`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::components::{HistoryFeed, UserHistory};
use lifecycle_console::domain::{Details, Owner, OwnerKind};
use lifecycle_console::pages::{GrantDetail, PasteListPage, UsersList};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// ACME's Mickey and his Portal grant. Every write in this suite is refused,
/// so nothing here changes them.
const MICKEY: &str = "226000000000000002";
const MICKEY_PORTAL: &str = "70000000000000003";

/// Whether a text calls the object gone. ZITADEL's own text for a lost
/// membership is "membership not found": that one is about the admin.
fn says_gone(text: &str) -> bool {
    let text = text.replace("membership not found", "");
    [
        "deleted",
        "Deleted",
        "removed",
        "Removed",
        "Not found",
        "not found",
    ]
    .iter()
    .any(|word| text.contains(word))
}

fn too_old(text: &str) -> bool {
    text.contains("Server version too old") && text.contains("2.58")
}

#[wasm_bindgen_test]
async fn the_users_list_and_its_export_name_a_server_older_than_2_58() {
    debug_settings(serde_json::json!({ "zitadelVersion": "2.57.0" })).await;
    set_url("/users");
    let page = mount(zitadel_v2(), OWNER, || view! { <UsersList/> }.into_any());
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    button_in(&page.container, "Export as CSV")
        .expect("the export button")
        .click();
    wait_until(&page, "the export's end", |p| {
        p.query("[data-testid=export-status]")
            .is_some_and(|s| s.inner_text().starts_with("The export stopped"))
    })
    .await;
    debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
    assert!(too_old(&alert) && !says_gone(&alert), "{alert}");
    let export = page
        .query("[data-testid=export-status]")
        .unwrap()
        .inner_text();
    assert!(too_old(&export) && !says_gone(&export), "{export}");
}

fn open_paste_list(token: &str) -> (Mounted, lifecycle_console::auth::Session) {
    set_url("/users/paste");
    mount_as(zitadel_v2(), token, || {
        view! { <PasteListPage/> }.into_any()
    })
}

#[wasm_bindgen_test]
async fn the_pasted_lists_lookup_names_a_server_older_than_2_58() {
    debug_settings(serde_json::json!({ "zitadelVersion": "2.57.0" })).await;
    let (page, _) = open_paste_list(OWNER);
    paste(&page, &generated(24));
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
    let alert = page.alert().unwrap();
    assert!(too_old(&alert) && !says_gone(&alert), "{alert}");
    assert!(page.query("[data-testid=plan]").is_none());
}

/// ListUsers leaves out the users the caller may not read, without an error
/// (`internal/query/user.go`): a line for one of them is not claimed to be
/// no user at all.
#[wasm_bindgen_test]
async fn the_pasted_lists_lookup_says_not_found_only_among_the_users_one_may_see() {
    let (page, _) = open_paste_list(GLOBEX_MANAGER);
    paste(&page, &generated(24));
    wait_for_plan(&page).await;
    let line = page
        .query("tr[data-line=\"1\"]")
        .expect("the line's verdict");
    assert_eq!(
        line.get_attribute("data-verdict").unwrap_or_default(),
        "not_found"
    );
    let text = line.inner_text();
    assert!(text.contains("among the users you may see"), "{text}");
}

/// Planned as the owner, run after the roles in ACME went (a Globex
/// manager's token), then as a viewer (a role without the right).
#[wasm_bindgen_test]
async fn a_pasted_list_run_after_access_went_says_so_per_user() {
    let target = generated(24);
    for (token, expected) in [
        (GLOBEX_MANAGER, ["No access any more", "AUTHZ-cdgFk"]),
        (VIEWER, ["Not allowed", "AUTH-AWfge"]),
    ] {
        let (page, session) = open_paste_list(OWNER);
        paste(&page, &target);
        wait_for_plan(&page).await;
        session.sign_in(token, None);
        start_run(&page, "Deactivate 1 user").await;
        wait_until(&page, "the end of the run", |p| {
            p.query("[data-testid=run-status]")
                .is_some_and(|s| s.inner_text().starts_with("Finished"))
        })
        .await;
        let outcome = page
            .query("tr[data-line=\"1\"] [data-testid=outcome]")
            .map(|cell| cell.inner_text())
            .unwrap_or_default();
        assert!(
            expected.iter().all(|part| outcome.contains(part)) && !says_gone(&outcome),
            "{token}: {outcome}"
        );
        assert_eq!(server_state(&target).await, "USER_STATE_ACTIVE");
    }
}

#[wasm_bindgen_test]
async fn the_history_of_a_user_out_of_reach_is_not_called_empty_or_missing() {
    let page = mount(zitadel_v2(), GLOBEX_MANAGER, || {
        let details = Details {
            owner: Some(Owner {
                kind: OwnerKind::Organization,
                id: ACME.to_string(),
            }),
            ..Details::default()
        };
        view! {
            <UserHistory user_id=MICKEY.to_string() details=details feed=HistoryFeed::new()/>
        }
        .into_any()
    });
    wait_until(&page, "the failed read", |p| {
        p.query("[data-testid=history-read-failed]").is_some()
    })
    .await;
    let failed = page
        .query("[data-testid=history-read-failed]")
        .unwrap()
        .inner_text();
    assert!(
        failed.contains("No access any more") && failed.contains("AUTHZ-cdgFk"),
        "{failed}"
    );
    assert!(!says_gone(&failed), "{failed}");
    assert!(
        page.query("[data-testid=history-empty]").is_none(),
        "no 'no changes' for a history that could not be read: {}",
        page.text()
    );
}

/// The checklist line of offboarding's `part`: its outcome and its text.
fn part(page: &Mounted, part: &str) -> (String, String) {
    page.query(&format!(
        "[data-testid=offboard-checklist] li[data-part={part}]"
    ))
    .map(|line| {
        (
            line.get_attribute("data-outcome").unwrap_or_default(),
            line.inner_text(),
        )
    })
    .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn offboarding_after_access_went_says_not_permitted() {
    let id = generated(20);
    let (page, session) = open_user_as(zitadel_v2(), OWNER, &id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    wait_until(&page, "the offboard section", |p| {
        p.query("[data-testid=offboard] button").is_some()
    })
    .await;
    session.sign_in(GLOBEX_MANAGER, None);
    let section = page.query("[data-testid=offboard]").unwrap();
    button_in(&section, "Offboard…")
        .expect("the Offboard button")
        .click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Offboard");
    const PARTS: [&str; 5] = ["state", "sessions", "grants", "tokens", "keys"];
    wait_until(&page, "every part answered", |p| {
        PARTS
            .iter()
            .all(|name| !["", "pending"].contains(&part(p, name).0.as_str()))
    })
    .await;
    let (outcome, text) = part(&page, "state");
    assert_eq!(outcome, "not-permitted", "{text}");
    assert!(
        text.contains("Not permitted") && text.contains("AUTHZ-cdgFk"),
        "{text}"
    );
    for name in PARTS {
        let (_, text) = part(&page, name);
        assert!(
            !text.contains("Not found") && !text.contains("deleted"),
            "{name}: {text}"
        );
    }
    assert_eq!(page.badge(), "Active", "the last confirmed state stays");
    assert_eq!(server_state(&id).await, "USER_STATE_ACTIVE");
}

#[wasm_bindgen_test]
async fn a_grant_whose_access_went_after_it_was_opened_keeps_its_state() {
    for (token, expected) in [
        (GLOBEX_MANAGER, ["No access any more", "AUTHZ-cdgFk"]),
        (VIEWER, ["Not allowed", "AUTH-"]),
    ] {
        let (page, session) = mount_as(zitadel_v2(), OWNER, || {
            view! { <GrantDetail user_id=MICKEY grant_id=MICKEY_PORTAL/> }.into_any()
        });
        wait_until(&page, "the grant", |p| !p.badge().is_empty()).await;
        let badge = page.badge();
        let action = page.enabled_actions()[0].clone();
        assert_ne!(action, "Remove", "{}", page.text());
        session.sign_in(token, None);
        page.action(&action).click();
        sleep(50).await;
        if page.dialog().is_some() {
            page.confirm(&action);
        }
        wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
        let alert = page.alert().unwrap();
        assert!(
            expected.iter().all(|part| alert.contains(part)) && !says_gone(&alert),
            "{token}: {alert}"
        );
        assert_eq!(
            page.badge(),
            badge,
            "{token}: the last confirmed state stays"
        );
        assert!(
            page.query(".notice").is_none(),
            "no 'removed' notice: {}",
            page.text()
        );
    }
}
