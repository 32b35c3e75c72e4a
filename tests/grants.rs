//! The grant page (ZITADEL management v1 user grants, scoped by
//! `x-zitadel-orgid`) in headless Chromium against the sandbox.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::GrantDetail;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn open_grant(user_id: &str, grant_id: &str) -> Mounted {
    let (user_id, grant_id) = (user_id.to_string(), grant_id.to_string());
    mount(zitadel_v2(), OWNER, move || {
        view! { <GrantDetail user_id=user_id grant_id=grant_id/> }.into_any()
    })
}

async fn server_grant_state(user_id: &str, grant_id: &str) -> (u16, String) {
    let path = format!("/management/v1/users/{user_id}/grants/{grant_id}");
    let (status, body) = direct("GET", &path, OWNER, &[("x-zitadel-orgid", ACME)], None).await;
    let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    (
        status,
        body["userGrant"]["state"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[wasm_bindgen_test]
async fn deactivate_and_reactivate_a_grant() {
    let page = open_grant("226000000000000008", "70000000000000005");
    wait_until(&page, "the grant", |p| p.badge() == "Active").await;
    assert_eq!(page.heading(), "Grant for Portal");
    assert!(page.text().contains("Roles: reader"), "{}", page.text());
    assert_eq!(page.enabled_actions(), ["Deactivate", "Remove"]);
    let details = page.details();
    assert!(
        details.contains("Organization") && details.contains(ACME) && details.contains("Created"),
        "{details}"
    );
    // Named from the grant's own `orgName`: no organisation menu was loaded here.
    assert!(
        details.contains(&format!("Organization ACME {ACME}")),
        "{details}"
    );

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert_eq!(
        server_grant_state("226000000000000008", "70000000000000005")
            .await
            .1,
        "USER_GRANT_STATE_INACTIVE"
    );

    page.action("Reactivate").click();
    assert!(page.dialog().is_none(), "reactivate does not ask");
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert_eq!(
        server_grant_state("226000000000000008", "70000000000000005")
            .await
            .1,
        "USER_GRANT_STATE_ACTIVE"
    );
}

#[wasm_bindgen_test]
async fn remove_a_grant() {
    let page = open_grant("226000000000000009", "70000000000000006");
    wait_until(&page, "the grant", |p| p.badge() == "Active").await;
    page.action("Remove").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Remove");
    wait_until(&page, "the removed badge", |p| p.badge() == "Removed").await;
    assert!(page.text().contains("This grant was removed"));
    assert!(page.enabled_actions().is_empty());
    assert_eq!(
        server_grant_state("226000000000000009", "70000000000000006")
            .await
            .0,
        404
    );
}

#[wasm_bindgen_test]
async fn a_grant_already_deactivated_elsewhere_ends_inactive_without_a_second_write() {
    let page = open_grant("226000000000000010", "70000000000000008");
    wait_until(&page, "the grant", |p| p.badge() == "Active").await;
    let path = "/management/v1/users/226000000000000010/grants/70000000000000008/_deactivate";
    assert_eq!(
        direct(
            "POST",
            path,
            OWNER,
            &[("x-zitadel-orgid", ACME)],
            Some("{}")
        )
        .await
        .0,
        200
    );

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    // The sandbox answers a repeat as the newest ZITADEL does (200, nothing
    // written); older servers' 400 COMMAND-1S9gx is read the same way.
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert_eq!(page.alert(), None);
}

#[wasm_bindgen_test]
async fn a_grant_of_another_organisation_reads_as_missing() {
    // Pluto's grant belongs to Globex; the connection manages ACME.
    let page = open_grant("226000000000000007", "70000000000000004");
    wait_until(&page, "the error", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(alert.contains("Not found"), "{alert}");
    assert!(page.query(".action-bar").is_none());
}

#[wasm_bindgen_test]
async fn a_grant_the_admin_has_no_access_to_is_never_called_removed() {
    // MICKEY_PORTAL, ACME's; the token reaches Globex only: 404 AUTHZ-cdgFk.
    let page = mount(zitadel_v2(), GLOBEX_MANAGER, || {
        view! { <GrantDetail user_id="226000000000000002" grant_id="70000000000000003"/> }
            .into_any()
    });
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("No access any more") && alert.contains("AUTHZ-cdgFk"),
        "{alert}"
    );
    assert!(
        !page.text().contains("removed") && !alert.contains("Not found"),
        "{}",
        page.text()
    );
}
