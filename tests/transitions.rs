//! Each invalid transition the page can meet, against the sandbox: the page
//! shows a state, another admin changes the user meanwhile, and the click
//! meets the server's refusal. The page must say so with the server's error
//! id, then show the state the server reports now. (Transitions the page
//! never offers from any state it can show, such as deactivating an INITIAL
//! user, are refused by the disabled buttons and tested natively.)
//! Uses generated users (`sandbox --seed 60`) of its own.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::config::Connection;
use lifecycle_console::pages::{GrantDetail, UserDetail};
use lifecycle_console::providers::ProviderApi;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One cell: the page shows `shown`, `behind` runs elsewhere, then `click`.
struct Cell {
    user: u64,
    shown: &'static str,
    behind: &'static [(&'static str, &'static str)],
    click: &'static str,
    error_id: &'static str,
    then: &'static str,
}

async fn run(connection: Connection, cell: Cell) {
    let id = generated(cell.user);
    let page = open_user_as(connection, OWNER, &id).0;
    let context = format!("{} after {:?}", cell.click, cell.behind);
    wait_until(&page, cell.shown, |p| p.badge() == cell.shown).await;
    for (method, path) in cell.behind {
        let path = path.replace("{id}", &id);
        let body = (*method == "POST" && path.starts_with("/v2/")).then_some("{}");
        let (status, text) = direct(method, &path, OWNER, &[], body).await;
        assert_eq!(status, 200, "{method} {path}: {text}");
    }
    page.action(cell.click).click();
    if page.dialog().is_none() {
        sleep(50).await;
    }
    if page.dialog().is_some() {
        if cell.click == "Delete" {
            let input: web_sys::HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(
                page.dialog()
                    .unwrap()
                    .query_selector("input")
                    .unwrap()
                    .unwrap(),
            );
            let username = page.query("[data-testid=login-name]").unwrap().inner_text();
            type_into(&input, username.split('@').next().unwrap());
            sleep(30).await;
        }
        page.confirm(cell.click);
    }
    wait_until(&page, &format!("the refusal of {context}"), |p| {
        p.alert().is_some()
    })
    .await;
    let alert = page.alert().unwrap();
    assert!(alert.contains(cell.error_id), "{context}: {alert}");
    assert!(
        alert.contains("The server said:"),
        "{context}: the server's words are shown: {alert}"
    );
    wait_until(&page, &format!("{} after {context}", cell.then), |p| {
        p.badge() == cell.then
    })
    .await;
}

#[wasm_bindgen_test]
async fn zitadel_v2_refusals_are_explained_then_reconciled() {
    let cells = [
        Cell {
            user: 9,
            shown: "Active",
            behind: &[("POST", "/v2/users/{id}/lock")],
            click: "Lock",
            error_id: "COMMAND-lgws8wtsqf",
            then: "Locked",
        },
        Cell {
            user: 10,
            shown: "Active",
            behind: &[("POST", "/v2/users/{id}/deactivate")],
            click: "Lock",
            error_id: "COMMAND-lgws8wtsqf",
            then: "Inactive",
        },
        Cell {
            user: 17,
            shown: "Locked",
            behind: &[("POST", "/v2/users/{id}/unlock")],
            click: "Unlock",
            error_id: "COMMAND-olb9vb0oca",
            then: "Active",
        },
        Cell {
            user: 27,
            shown: "Locked",
            behind: &[("POST", "/v2/users/{id}/deactivate")],
            click: "Unlock",
            error_id: "COMMAND-olb9vb0oca",
            then: "Inactive",
        },
        Cell {
            user: 12,
            shown: "Active",
            behind: &[("POST", "/v2/users/{id}/deactivate")],
            click: "Deactivate",
            error_id: "COMMAND-5gunjw0cd7",
            then: "Inactive",
        },
        Cell {
            user: 26,
            shown: "Inactive",
            behind: &[("POST", "/v2/users/{id}/reactivate")],
            click: "Reactivate",
            error_id: "COMMAND-s5qqcz97hf",
            then: "Active",
        },
        Cell {
            user: 36,
            shown: "Inactive",
            behind: &[
                ("POST", "/v2/users/{id}/reactivate"),
                ("POST", "/v2/users/{id}/lock"),
            ],
            click: "Reactivate",
            error_id: "COMMAND-s5qqcz97hf",
            then: "Locked",
        },
        // Deleted elsewhere: every action is NotFound, and the page then says deleted.
        Cell {
            user: 13,
            shown: "Active",
            behind: &[("DELETE", "/v2/users/{id}")],
            click: "Deactivate",
            error_id: "COMMAND-5gp2p62iin",
            then: "Deleted",
        },
        Cell {
            user: 14,
            shown: "Active",
            behind: &[("DELETE", "/v2/users/{id}")],
            click: "Delete",
            error_id: "COMMAND-bd4ir1mblj",
            then: "Deleted",
        },
    ];
    for cell in cells {
        run(zitadel_v2(), cell).await;
    }
}

/// v3alpha cannot read the state, so a change made elsewhere shows only as
/// the next refusal, explained as what it may be; then a delete ends it.
#[wasm_bindgen_test]
async fn zitadel_v3alpha_refusals_after_a_change_elsewhere_are_explained_honestly() {
    // AMBER, an active schema user of ACME that tests may delete.
    let id = "326000000000000004";
    let target = id.to_string();
    let page = mount(
        connection(ProviderApi::ZitadelV3Alpha, "", Some(ACME)),
        OWNER,
        move || view! { <UserDetail user_id=target/> }.into_any(),
    );
    wait_until(&page, "the user", |p| {
        p.query("[data-testid=state-unreadable]").is_some()
    })
    .await;
    // Another admin deactivates the user first.
    let path = format!("/resources/v3alpha/users/{id}/_deactivate");
    assert_eq!(direct("POST", &path, OWNER, &[], None).await.0, 200);

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not found, or not possible in this state")
            && alert.contains("COMMAND-Ob6lR5iFTe"),
        "{alert}"
    );
    assert_eq!(page.badge(), "", "a refusal confirms no state");

    // Reactivating is what the server accepts now.
    page.action("Reactivate").click();
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert!(page.alert().is_none(), "{}", page.text());

    page.action("Delete").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    let input: web_sys::HtmlInputElement = dialog
        .query_selector("input")
        .unwrap()
        .expect("the id to type")
        .unchecked_into();
    type_into(&input, id);
    sleep(20).await;
    page.confirm("Delete");
    wait_until(&page, "the deleted badge", |p| p.badge() == "Deleted").await;
    assert!(
        page.enabled_actions().is_empty(),
        "nothing is offered after a confirmed delete"
    );
    let (status, body) = direct(
        "DELETE",
        &format!("/resources/v3alpha/users/{id}"),
        OWNER,
        &[],
        None,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("COMMAND-syHyCsGmvM"), "{body}");
}

#[wasm_bindgen_test]
async fn a_grant_removed_elsewhere_is_explained_then_shown_removed() {
    let page = mount(zitadel_v2(), OWNER, || {
        view! { <GrantDetail user_id="226000000000000010".to_string() grant_id="70000000000000009".to_string()/> }.into_any()
    });
    wait_until(&page, "the grant", |p| p.badge() == "Active").await;
    let path = "/management/v1/users/226000000000000010/grants/70000000000000009";
    assert_eq!(
        direct("DELETE", path, OWNER, &[("x-zitadel-orgid", ACME)], None)
            .await
            .0,
        200
    );
    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not found") && alert.contains("COMMAND-3M9sd"),
        "{alert}"
    );
    wait_until(&page, "the removed state", |p| p.badge() == "Removed").await;
}
