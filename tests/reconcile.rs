//! Confirmed writes survive navigation: going back to the list after a user
//! change, or to the user after a grant change, never shows the state before
//! the write while ZITADEL's list projection lags (the sandbox lags lists by
//! 1 s by default; single reads are current).
#![cfg(target_arch = "wasm32")]

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::{GrantDetail, UserDetail, UsersList};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `first`, and `second` once the returned switch is set: two pages
/// of one console (one API service), as navigating between them is.
fn two_pages(
    first: impl Fn() -> AnyView + Send + Sync + 'static,
    second: impl Fn() -> AnyView + Send + Sync + 'static,
) -> (Mounted, RwSignal<bool>) {
    let handed = Arc::new(Mutex::new(None));
    let switch = handed.clone();
    let page = mount(zitadel_v2(), OWNER, move || {
        let showing_second = RwSignal::new(false);
        *switch.lock().unwrap() = Some(showing_second);
        let first = Arc::new(first);
        let second = Arc::new(second);
        (move || {
            if showing_second.get() {
                second()
            } else {
                first()
            }
        })
        .into_any()
    });
    let showing_second = handed.lock().unwrap().expect("mounted");
    (page, showing_second)
}

fn row_text(page: &Mounted, selector: &str) -> Option<String> {
    page.query(selector).map(|row| row.inner_text())
}

#[wasm_bindgen_test]
async fn back_on_the_list_a_deactivated_user_is_inactive_at_once() {
    let id = generated(2);
    // The generated user names end in ".2"; the search keeps the row on page 1.
    set_url("/users?q=.2&size=1000");
    let target = id.clone();
    let (page, showing_list) = two_pages(
        move || view! { <UserDetail user_id=target.clone()/> }.into_any(),
        || view! { <UsersList/> }.into_any(),
    );
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;

    showing_list.set(true);
    let row = format!("tr[data-user-id='{id}']");
    wait_until(&page, "the user's row", |p| p.query(&row).is_some()).await;
    let text = row_text(&page, &row).unwrap();
    assert!(text.contains("Inactive"), "the confirmed state: {text}");
    assert_eq!(server_state(&id).await, "USER_STATE_INACTIVE");
}

#[wasm_bindgen_test]
async fn back_on_the_user_a_reactivated_grant_is_active_at_once() {
    // HUEY_PORTAL, inactive, of HUEY.
    let (user, grant) = ("226000000000000009", "70000000000000007");
    let (page, showing_user) = two_pages(
        move || view! { <GrantDetail user_id=user grant_id=grant/> }.into_any(),
        move || view! { <UserDetail user_id=user/> }.into_any(),
    );
    wait_until(&page, "the grant", |p| p.badge() == "Inactive").await;
    page.action("Reactivate").click();
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;

    showing_user.set(true);
    let row = format!("tr[data-grant-id='{grant}']");
    wait_until(&page, "the grant's row", |p| p.query(&row).is_some()).await;
    let text = row_text(&page, &row).unwrap();
    assert!(text.contains("Active"), "the confirmed state: {text}");
}
