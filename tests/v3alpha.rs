//! A ZITADEL v3alpha connection against the sandbox's schema users, which
//! only v3alpha's state changes act on: no list (open by id), no read (501),
//! the page shows what each answer confirms and explains each refusal.
#![cfg(target_arch = "wasm32")]

mod common;

use common::schema_users::*;
use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::UsersList;
use lifecycle_console::providers::ProviderApi;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn v3alpha() -> lifecycle_console::config::Connection {
    connection(ProviderApi::ZitadelV3Alpha, "", Some(ACME))
}

fn open_user(id: &str) -> Mounted {
    open_user_as(v3alpha(), OWNER, id).0
}

async fn opened(id: &str) -> Mounted {
    let page = open_user(id);
    wait_until(&page, "the note that the state cannot be read", |p| {
        p.query("[data-testid=state-unreadable]").is_some()
    })
    .await;
    page
}

async fn click(page: &Mounted, action: &str) {
    page.action(action).click();
    if page.dialog().is_none() {
        sleep(50).await;
    }
    if page.dialog().is_some() {
        page.confirm(action);
    }
}

fn confirmed(page: &Mounted) -> String {
    page.query("[data-testid=confirmed]")
        .map(|p| p.inner_text())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_schema_user_offers_every_action_and_shows_no_state_before_one() {
    let page = opened(SCARLETT_ACTIVE).await;
    assert_eq!(page.heading(), format!("User {SCARLETT_ACTIVE}"));
    assert_eq!(page.badge(), "", "no state the server did not confirm");
    assert_eq!(
        page.enabled_actions(),
        ["Deactivate", "Reactivate", "Lock", "Unlock", "Delete"]
    );
    assert!(page.alert().is_none(), "{}", page.text());
}

#[wasm_bindgen_test]
async fn lock_then_unlock_show_what_each_answer_confirms() {
    let page = opened(SCARLETT_ACTIVE).await;
    click(&page, "Lock").await;
    wait_until(&page, "the locked badge", |p| p.badge() == "Locked").await;
    assert!(confirmed(&page).contains("is locked"), "{}", page.text());
    let details = page.details();
    assert!(
        details.contains("Organization") && details.contains(ACME) && details.contains("Changed"),
        "{details}"
    );

    click(&page, "Unlock").await;
    // Unlock confirms "not locked"; whether active, the API does not say.
    wait_until(&page, "the not-locked badge", |p| p.badge() == "Not locked").await;
    assert!(
        confirmed(&page).contains("not locked") && !page.badge().contains("Active"),
        "{}",
        page.text()
    );
}

#[wasm_bindgen_test]
async fn reactivate_and_deactivate_an_inactive_schema_user() {
    let page = opened(ROSE_INACTIVE).await;
    click(&page, "Reactivate").await;
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    click(&page, "Deactivate").await;
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert!(page.alert().is_none(), "{}", page.text());
}

#[wasm_bindgen_test]
async fn a_refusal_says_the_id_may_be_unknown_or_in_the_wrong_state() {
    // RUBY is already locked: ZITADEL answers as for an unknown id.
    let page = opened(RUBY_LOCKED).await;
    click(&page, "Lock").await;
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not found, or not possible in this state")
            && alert.contains("COMMAND-G4LOrnjY7q")
            && alert.contains("not a user of the v3alpha resources API"),
        "{alert}"
    );
    assert!(
        !alert.contains("Not possible in the current state"),
        "not claimed to be about state alone: {alert}"
    );
    assert_eq!(page.badge(), "", "a refusal confirms no state");
}

#[wasm_bindgen_test]
async fn a_v2_user_id_is_no_user_of_v3alpha() {
    let page = opened(&generated(21)).await;
    click(&page, "Deactivate").await;
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not found, or not possible in this state")
            && alert.contains("COMMAND-Ob6lR5iFTe"),
        "{alert}"
    );
    assert_eq!(server_state(&generated(21)).await, "USER_STATE_ACTIVE");
}

#[wasm_bindgen_test]
async fn the_user_schema_feature_turned_off_is_said_so() {
    debug_settings(serde_json::json!({ "userSchemaFeature": false })).await;
    let page = opened(JADE_GLOBEX).await;
    click(&page, "Unlock").await;
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    debug_settings(serde_json::json!({ "userSchemaFeature": true })).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Feature turned off") && alert.contains("User Schema"),
        "{alert}"
    );
}

#[wasm_bindgen_test]
async fn a_server_older_than_2_63_is_named() {
    // v2.61-v2.62 route the state changes but answer them 501 (and have no
    // `_activate`, only `_reactivate`); GetUser is 501 on every release.
    for action in ["Unlock", "Reactivate"] {
        debug_settings(serde_json::json!({ "zitadelVersion": "2.62.0" })).await;
        let page = opened(JADE_GLOBEX).await;
        click(&page, action).await;
        wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
        debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
        let alert = page.alert().unwrap();
        assert!(
            alert.contains("Server version too old") && alert.contains("2.63"),
            "{action}: {alert}"
        );
        assert!(!alert.contains("Not offered"), "{action}: {alert}");
        assert_eq!(page.badge(), "", "{action}: nothing was confirmed");
    }
    // Before v2.61 even the read meets the gateway's 404.
    debug_settings(serde_json::json!({ "zitadelVersion": "2.60.4" })).await;
    let page = open_user(JADE_GLOBEX);
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    debug_settings(serde_json::json!({ "zitadelVersion": "4.13.1" })).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Server version too old") && alert.contains("2.63"),
        "{alert}"
    );
    assert!(!alert.contains("user not found"), "{alert}");
}

#[wasm_bindgen_test]
async fn a_server_that_answers_get_user_shows_the_state_it_read() {
    debug_settings(serde_json::json!({ "v3alphaGetUser": true })).await;
    let page = open_user(RUBY_LOCKED);
    wait_until(&page, "the state read", |p| !p.badge().is_empty()).await;
    debug_settings(serde_json::json!({ "v3alphaGetUser": false })).await;
    assert_eq!(page.badge(), "Locked");
    assert_eq!(page.heading(), "Ruby");
    assert!(
        page.query("[data-testid=state-unreadable]").is_none(),
        "{}",
        page.text()
    );
    let details = page.details();
    assert!(
        details.contains("Organization") && details.contains(ACME) && details.contains("Created"),
        "{details}"
    );
    assert!(page.alert().is_none(), "{}", page.text());
}

#[wasm_bindgen_test]
async fn the_users_page_opens_by_id_and_offers_recent_ids() {
    drop(opened(AMBER_ACTIVE).await);
    let page = mount(v3alpha(), OWNER, || view! { <UsersList/> }.into_any());
    wait_until(&page, "the open-by-id form", |p| {
        p.query("[data-testid=open-by-id]").is_some()
    })
    .await;
    let text = page.text();
    assert!(text.contains("cannot list users"), "{text}");
    assert!(
        page.query("table.users").is_none(),
        "no list of v2 users: {text}"
    );
    let recent = page
        .query("[data-testid=recent-users]")
        .map(|r| r.inner_text())
        .unwrap_or_default();
    assert!(recent.contains(AMBER_ACTIVE), "{text}");

    let input: web_sys::HtmlInputElement = page
        .query("#open-user-id")
        .expect("the id field")
        .unchecked_into();
    type_into(&input, &format!(" {ROSE_INACTIVE} "));
    let form = page.query("form").expect("the form");
    form.unchecked_into::<web_sys::HtmlFormElement>()
        .request_submit()
        .unwrap();
    wait_until(&page, "the user's address", |_| {
        web_sys::window()
            .unwrap()
            .location()
            .pathname()
            .unwrap()
            .ends_with(&format!("/users/{ROSE_INACTIVE}"))
    })
    .await;
}
