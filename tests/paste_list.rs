//! The pasted list in headless Chromium against the sandbox: the dry run
//! matches each line to at most one user and writes nothing; the confirmed run
//! changes exactly the planned users, and a stop leaves the rest untouched.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::prelude::*;
use lifecycle_console::pages::PasteListPage;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The owner token's own user, and the two users sharing one address
/// (sandbox/src/seed.rs).
const CONSOLE_ADMIN: &str = "226000000000000100";
const CHIP: &str = "226000000000000016";
const DALE: &str = "226000000000000017";

fn open_page() -> Mounted {
    set_url("/users/paste");
    mount(zitadel_v2(), OWNER, || {
        view! { <PasteListPage/> }.into_any()
    })
}

fn verdict(page: &Mounted, line: usize) -> String {
    page.query(&format!("tr[data-line=\"{line}\"]"))
        .and_then(|row| row.get_attribute("data-verdict"))
        .unwrap_or_default()
}

fn outcome(page: &Mounted, line: usize) -> String {
    page.query(&format!("tr[data-line=\"{line}\"] [data-testid=outcome]"))
        .map(|cell| cell.inner_text())
        .unwrap_or_default()
}

fn status(page: &Mounted) -> String {
    page.query("[data-testid=run-status]")
        .map(|s| s.inner_text())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn the_dry_run_writes_nothing_and_the_run_changes_only_the_plan() {
    let target = generated(57); // locked: deactivating is allowed
    let page = open_page();
    let list = format!(
        "{target}\nnobody@nowhere.example\nrescue-rangers@ACME.example.com\n{CONSOLE_ADMIN}\n{}",
        &target[..target.len() - 1]
    );
    paste(&page, &list);
    wait_for_plan(&page).await;
    assert_eq!(
        (1..=5).map(|l| verdict(&page, l)).collect::<Vec<_>>(),
        [
            "will_deactivate",
            "not_found",
            "ambiguous",
            "own_user",
            "not_found"
        ]
    );
    assert!(
        page.text().contains("Ambiguous: 2 users match"),
        "{}",
        page.text()
    );
    assert_eq!(server_state(&target).await, "USER_STATE_LOCKED");

    start_run(&page, "Deactivate 1 user").await;
    wait_until(&page, "the end of the run", |p| {
        status(p).starts_with("Finished")
    })
    .await;
    assert_eq!(
        status(&page),
        "Finished: 1 done, 0 skipped, 0 failed, 0 not sent"
    );
    assert_eq!(outcome(&page, 1), "Done");
    assert_eq!(server_state(&target).await, "USER_STATE_INACTIVE");
    for id in [CONSOLE_ADMIN, CHIP, DALE] {
        assert_eq!(server_state(id).await, "USER_STATE_ACTIVE", "{id}");
    }
}

#[wasm_bindgen_test]
async fn a_stop_sends_nothing_more_and_every_outcome_is_the_servers() {
    let users: Vec<String> = [3, 11, 15, 19, 23, 43, 47, 51]
        .into_iter()
        .map(generated)
        .collect();
    // The first requests are slow, so the stop comes while they are in flight.
    arm_fault("POST", "/v2/users/2260000010000000", "latency=1500", 4).await;
    let page = open_page();
    paste(&page, &users.join(","));
    wait_for_plan(&page).await;
    start_run(&page, "Deactivate 8 users").await;
    wait_until(&page, "the stop button", |p| {
        button_in(&p.container, "Stop").is_some()
    })
    .await;
    button_in(&page.container, "Stop").unwrap().click();
    wait_until(&page, "the end of the run", |p| {
        status(p).starts_with("Finished")
    })
    .await;
    clear_faults().await;

    // Each line shows the server's answer, or that it was never sent; the
    // server agrees line by line.
    for (i, id) in users.iter().enumerate() {
        let shown = outcome(&page, i + 1);
        let state = server_state(id).await;
        match shown.as_str() {
            "Done" => assert_eq!(state, "USER_STATE_INACTIVE", "{id}"),
            "Not sent (stopped)" => assert_ne!(state, "USER_STATE_INACTIVE", "{id}"),
            other => panic!("line {} shows {other:?}", i + 1),
        }
    }
    assert!(status(&page).ends_with("not sent"), "{}", status(&page));
}

/// A deactivation's answer is lost (the console stops waiting before the
/// server is done; Weavr finishes a request whose caller left): the line's
/// user is read as the user page reads after an unknown outcome, and once a
/// read shows the change, the line is done, saying it was made after all.
#[wasm_bindgen_test]
async fn a_line_whose_answer_was_lost_is_done_once_a_read_shows_the_change() {
    // Katherine Johnson in Weavr Multi (sandbox/src/weavr/seed.rs), active.
    let id = "110747174434373675";
    arm_fault(
        "POST",
        &format!("/weavr/multi/users/{id}/deactivate"),
        "latency=3000",
        1,
    )
    .await;
    set_url("/users/paste");
    let mut connection = connection(
        lifecycle_console::providers::ProviderApi::WeavrMulti,
        "/weavr/multi",
        None,
    );
    connection.timeout_seconds = Some(1.5);
    let page = mount(connection, WEAVR_ADMIN, || {
        view! { <PasteListPage/> }.into_any()
    });
    paste(&page, id);
    wait_for_plan(&page).await;
    start_run(&page, "Deactivate 1 user").await;
    wait_until(&page, "the end of the run", |p| {
        status(p).starts_with("Finished")
    })
    .await;
    let shown = outcome(&page, 1);
    assert!(
        shown.starts_with("Done") && shown.contains("the change was made"),
        "{shown}"
    );
    assert_eq!(weavr_active("/weavr/multi/users", id).await, Some(false));
}
