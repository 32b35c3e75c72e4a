//! The user page on Weavr connections (Multi and Payment Run), through the
//! sandbox's same-origin proxy that adds the api-key: activate/deactivate
//! only, no timestamps, and an idempotency-ref reused when a click is retried.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use lifecycle_console::config::Connection;
use lifecycle_console::providers::ProviderApi;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn multi() -> Connection {
    connection(ProviderApi::WeavrMulti, "/weavr/multi", None)
}

fn payment_run() -> Connection {
    connection(ProviderApi::WeavrPaymentRun, "/weavr/payment-run", None)
}

fn open_user(connection: Connection, token: &str, id: &str) -> Mounted {
    open_user_as(connection, token, id).0
}

#[wasm_bindgen_test]
async fn a_multi_user_is_deactivated_and_activated() {
    let id = "110747174434373672";
    let page = open_user(multi(), WEAVR_ADMIN, id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    assert_eq!(page.heading(), "Ada Lovelace");
    assert_eq!(
        page.action_labels(),
        ["Deactivate", "Reactivate"],
        "Weavr has no lock or delete"
    );
    assert_eq!(page.enabled_actions(), ["Deactivate"]);
    let details = page.details();
    assert!(
        details.contains("Corporate identity") && details.contains("110747174434373120"),
        "{details}"
    );
    for absent in ["Created", "Changed", "Sequence"] {
        assert!(
            !details.contains(absent),
            "Weavr sends no {absent}: {details}"
        );
    }
    assert!(
        page.query(".grants").is_none(),
        "Weavr users have no grants"
    );

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert_eq!(weavr_active("/weavr/multi/users", id).await, Some(false));

    page.action("Reactivate").click();
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert_eq!(weavr_active("/weavr/multi/users", id).await, Some(true));
}

#[wasm_bindgen_test]
async fn payment_run_refuses_a_user_without_the_admin_role() {
    let page = open_user(payment_run(), WEAVR_CREATOR, "110747174434373675");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(
        alert.contains("Not allowed") && alert.contains("INSUFFICIENT_PERMISSIONS"),
        "{alert}"
    );
}

#[wasm_bindgen_test]
async fn a_retried_deactivate_reuses_its_idempotency_ref() {
    let id = "110747174434373673";
    let mut connection = payment_run();
    connection.timeout_seconds = Some(0.5);
    let page = open_user(connection, WEAVR_ADMIN, id);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;

    // The server takes longer than the console waits: the first request times
    // out in the browser but is still running on the server.
    let path = format!("/weavr/payment-run/v1/users/{id}/deactivate");
    arm_fault("POST", &path, "latency=2500", 1).await;
    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
    wait_until(&page, "the timeout", |p| {
        p.alert()
            .is_some_and(|a| a.contains("did not answer in time"))
    })
    .await;
    assert_eq!(
        page.badge(),
        "Active",
        "no state the server did not confirm"
    );

    // Retrying at once: the same reference meets the first request still in
    // flight. A new reference would have started a second deactivation.
    page.retry();
    wait_until(&page, "the in-progress answer", |p| {
        p.alert()
            .is_some_and(|a| a.contains("IDEMPOTENT_REQUEST_IN_PROGRESS"))
    })
    .await;

    // Once the first has finished, the retry gets its answer replayed.
    sleep(2_500).await;
    page.retry();
    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert_eq!(
        weavr_active("/weavr/payment-run/v1/users", id).await,
        Some(false)
    );
}

#[wasm_bindgen_test]
async fn a_change_made_although_its_answer_timed_out_is_shown_as_made() {
    let id = "110747174434373674"; // Alan Turing, inactive
    let mut connection = multi();
    connection.timeout_seconds = Some(0.5);
    let page = open_user(connection, WEAVR_ADMIN, id);
    wait_until(&page, "the user", |p| p.badge() == "Inactive").await;

    // The server makes the change after the console has stopped waiting.
    let path = format!("/weavr/multi/users/{id}/activate");
    arm_fault("POST", &path, "latency=1500", 1).await;
    page.action("Reactivate").click();
    wait_until(&page, "the timeout", |p| {
        p.alert()
            .is_some_and(|a| a.contains("may or may not have been made"))
    })
    .await;
    assert_eq!(
        page.badge(),
        "Inactive",
        "no state the server did not confirm"
    );

    // A later read shows the change: the page says it was made, and the
    // error with its retry is gone (a retry would only be refused).
    wait_until(&page, "the change seen made", |p| {
        p.query("[data-testid=made-after-all]").is_some()
    })
    .await;
    assert_eq!(page.badge(), "Active");
    assert_eq!(page.alert(), None, "the unknown outcome is withdrawn");
    let article = page.query("article").expect("the user page");
    assert!(
        button_in(&article, "Try again").is_none(),
        "no retry is offered"
    );
    assert_eq!(weavr_active("/weavr/multi/users", id).await, Some(true));
}
