//! The user detail page in headless Chromium against a running sandbox.
//! `cargo xtask test wasm` starts the sandbox and sets SANDBOX_URL; each test
//! uses its own seeded user so that the tests do not depend on each other.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use lifecycle_console::api::Api;
use lifecycle_console::auth::Session;
use lifecycle_console::config::Connection;
use lifecycle_console::pages::UserDetail;
use lifecycle_console::providers::ProviderApi;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const OWNER: &str = "sandbox-owner-pat";
const VIEWER: &str = "sandbox-viewer-pat";
const ACME: &str = "69629023906488334";

fn sandbox_url() -> &'static str {
    option_env!("SANDBOX_URL").expect("SANDBOX_URL is not set at build time: run `cargo xtask test wasm`, which starts the sandbox")
}

/// A mounted page; unmounts and removes its container when dropped.
struct Mounted {
    container: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.container.remove();
    }
}

fn mount(user_id: &str, token: &str) -> Mounted {
    let document = document();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    // Appended, never replacing the body: the runner reports through it.
    document.body().unwrap().append_child(&container).unwrap();
    let connection = Connection { name: "Sandbox".into(), provider: ProviderApi::ZitadelV2, api_base_url: sandbox_url().into() };
    let user_id = user_id.to_string();
    let token = token.to_string();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        let session = Session::in_memory(Some(token));
        provide_context(session);
        provide_context(Api::new(&connection, session));
        view! { <UserDetail user_id=user_id/> }.into_any()
    });
    Mounted { container, _handle: handle }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits up to 10 s for `condition`, then fails showing what the page says.
async fn wait_until(page: &Mounted, what: &str, condition: impl Fn(&Mounted) -> bool) {
    for _ in 0..200 {
        if condition(page) {
            return;
        }
        sleep(50).await;
    }
    panic!("timed out waiting for {what}; the page shows:\n{}", page.text());
}

impl Mounted {
    fn text(&self) -> String {
        self.container.inner_text()
    }

    fn query(&self, selector: &str) -> Option<HtmlElement> {
        self.container.query_selector(selector).unwrap().map(|e| e.unchecked_into())
    }

    fn badge(&self) -> String {
        self.query("[data-testid=state-badge]").map(|b| b.inner_text()).unwrap_or_default()
    }

    fn heading(&self) -> String {
        self.query("h1").map(|h| h.text_content().unwrap_or_default()).unwrap_or_default()
    }

    fn alert(&self) -> Option<String> {
        self.query("[role=alert]").map(|a| a.inner_text())
    }

    fn dialog(&self) -> Option<HtmlElement> {
        self.query("dialog[open]")
    }

    /// The button labelled `label`, inside `scope` (the page or the dialog).
    fn button_in(scope: &HtmlElement, label: &str) -> Option<web_sys::HtmlButtonElement> {
        let buttons = scope.query_selector_all("button").unwrap();
        (0..buttons.length())
            .filter_map(|i| buttons.item(i))
            .map(|b| b.unchecked_into::<web_sys::HtmlButtonElement>())
            .find(|b| b.text_content().unwrap_or_default().trim() == label)
    }

    fn action(&self, label: &str) -> web_sys::HtmlButtonElement {
        let bar = self.query(".action-bar").unwrap_or_else(|| panic!("no action bar; page shows:\n{}", self.text()));
        Self::button_in(&bar, label).unwrap_or_else(|| panic!("no {label} button"))
    }

    fn enabled_actions(&self) -> Vec<String> {
        ["Deactivate", "Reactivate", "Lock", "Unlock", "Delete"]
            .into_iter()
            .filter(|label| !self.action(label).disabled())
            .map(String::from)
            .collect()
    }

    fn confirm(&self, label: &str) {
        let dialog = self.dialog().expect("the confirmation dialog is open");
        Self::button_in(&dialog, label).unwrap_or_else(|| panic!("no {label} button in the dialog")).click();
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Changes a user behind the page's back, as another admin in another tab would.
async fn act_directly(user_id: &str, action: &str) {
    let response = gloo_net::http::Request::post(&format!("{}/v2/users/{user_id}/{action}", sandbox_url()))
        .header("Authorization", &format!("Bearer {OWNER}"))
        .header("Content-Type", "application/json")
        .body("{}")
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "direct {action} of {user_id}");
}

async fn server_state(user_id: &str) -> String {
    let response = gloo_net::http::Request::get(&format!("{}/v2/users/{user_id}", sandbox_url()))
        .header("Authorization", &format!("Bearer {OWNER}"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = response.json().await.unwrap();
    body["user"]["state"].as_str().unwrap_or_default().to_string()
}

#[wasm_bindgen_test]
async fn shows_an_active_user_with_the_actions_its_state_allows() {
    let page = mount("226000000000000002", OWNER);
    wait_until(&page, "the user", |p| p.heading() == "Mickey Mouse").await;
    assert_eq!(page.badge(), "Active");
    assert_eq!(page.query("[data-testid=login-name]").unwrap().inner_text(), "mickey-mouse@acme.example.com");
    assert_eq!(page.enabled_actions(), ["Deactivate", "Lock", "Delete"]);
    assert_eq!(page.action("Unlock").title(), "Only a locked user can be unlocked.");
    let details = page.query("[data-testid=details]").unwrap().inner_text();
    assert!(details.contains("Organization") && details.contains(ACME), "{details}");
    let changed = page.query("[data-testid=details] time").expect("a changed timestamp");
    assert!(changed.title().ends_with("Z (UTC)"), "hover shows the UTC instant: {}", changed.title());
}

#[wasm_bindgen_test]
async fn each_state_enables_only_its_allowed_actions() {
    for (id, state, allowed) in [
        ("226000000000000003", "Inactive", vec!["Reactivate", "Delete"]),
        ("226000000000000004", "Locked", vec!["Deactivate", "Unlock", "Delete"]),
        ("226000000000000005", "Initial", vec!["Lock", "Delete"]),
    ] {
        let page = mount(id, OWNER);
        wait_until(&page, state, |p| p.badge() == state).await;
        assert_eq!(page.enabled_actions(), allowed, "{state}");
    }
}

#[wasm_bindgen_test]
async fn deactivate_asks_first_then_shows_the_state_the_server_confirmed() {
    let page = mount("226000000000000008", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    let sequence_before = page.text();

    page.action("Deactivate").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    assert_eq!(dialog.query_selector("h2").unwrap().unwrap().text_content().unwrap(), "Deactivate Scrooge McDuck?");
    page.confirm("Deactivate");

    wait_until(&page, "the inactive badge", |p| p.badge() == "Inactive").await;
    assert!(page.dialog().is_none());
    assert_eq!(page.enabled_actions(), ["Reactivate", "Delete"]);
    assert_eq!(server_state("226000000000000008").await, "USER_STATE_INACTIVE");
    assert_ne!(page.text(), sequence_before, "details show the change");

    // Reactivate undoes a destructive step, so it does not ask.
    page.action("Reactivate").click();
    assert!(page.dialog().is_none());
    wait_until(&page, "the active badge", |p| p.badge() == "Active").await;
    assert_eq!(server_state("226000000000000008").await, "USER_STATE_ACTIVE");
    // The delayed re-read must not flip the state back.
    sleep(1_500).await;
    assert_eq!(page.badge(), "Active");
}

#[wasm_bindgen_test]
async fn cancel_changes_nothing() {
    let page = mount("226000000000000009", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Cancel");
    wait_until(&page, "the dialog to close", |p| p.dialog().is_none()).await;
    assert_eq!(page.badge(), "Active");
    assert_eq!(server_state("226000000000000009").await, "USER_STATE_ACTIVE");
}

#[wasm_bindgen_test]
async fn a_change_made_elsewhere_gives_the_server_error_and_then_the_fresh_state() {
    // The page shows Dewey locked; another admin unlocks him meanwhile.
    let page = mount("226000000000000010", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Locked").await;
    act_directly("226000000000000010", "unlock").await;

    page.action("Unlock").click();
    wait_until(&page, "the server's refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(alert.contains("Not possible in the current state"), "{alert}");
    assert!(alert.contains("User is not locked"), "{alert}");
    assert!(alert.contains("COMMAND-olb9vb0oca"), "{alert}");
    wait_until(&page, "the fresh state", |p| p.badge() == "Active").await;
}

#[wasm_bindgen_test]
async fn delete_needs_the_user_name_typed() {
    let page = mount("226000000000000011", OWNER);
    wait_until(&page, "the user", |p| p.badge() == "Inactive").await;
    page.action("Delete").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    let dialog = page.dialog().unwrap();
    let confirm = Mounted::button_in(&dialog, "Delete").unwrap();
    assert!(confirm.disabled());

    let input: web_sys::HtmlInputElement = dialog.query_selector("input").unwrap().unwrap().unchecked_into();
    for (typed, enabled) in [("louie", false), ("louie-duck", true)] {
        input.set_value(typed);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
        sleep(20).await;
        assert_eq!(!confirm.disabled(), enabled, "after typing {typed:?}");
    }
    confirm.click();
    wait_until(&page, "the deleted badge", |p| p.badge() == "Deleted").await;
    assert!(page.text().contains("This user was deleted"));
    assert!(page.enabled_actions().is_empty());
}

#[wasm_bindgen_test]
async fn a_refused_permission_is_explained_and_the_state_kept() {
    let page = mount("226000000000000007", VIEWER);
    wait_until(&page, "the user", |p| p.badge() == "Active").await;
    page.action("Lock").click();
    wait_until(&page, "the dialog", |p| p.dialog().is_some()).await;
    page.confirm("Lock");
    wait_until(&page, "the refusal", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(alert.contains("Not allowed") && alert.contains("AUTHZ-HKJD33"), "{alert}");
    assert_eq!(page.badge(), "Active");
}

#[wasm_bindgen_test]
async fn an_unknown_user_says_not_found() {
    let page = mount("999999999999999999", OWNER);
    wait_until(&page, "the error", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(alert.contains("Not found") && alert.contains("User could not be found"), "{alert}");
    assert!(page.query(".action-bar").is_none(), "no actions for a user the server did not return");
}

#[wasm_bindgen_test]
async fn a_rejected_token_offers_to_sign_in_again() {
    let page = mount("226000000000000002", "not-a-token");
    wait_until(&page, "the error", |p| p.alert().is_some()).await;
    let alert = page.alert().unwrap();
    assert!(alert.contains("You are signed out") && alert.contains("AUTH-7fs1e"), "{alert}");
    let link = page.query("[role=alert] a").expect("a sign-in link");
    assert_eq!(link.get_attribute("href").unwrap(), "/sign-in?next=%2Fusers%2F226000000000000002");
}

#[wasm_bindgen_test]
async fn markup_in_a_name_is_shown_as_text() {
    let page = mount("226000000000000012", OWNER);
    wait_until(&page, "the user", |p| !p.heading().is_empty()).await;
    assert_eq!(page.heading(), "<img src=x onerror=alert(1)>");
    assert!(page.query("img").is_none());
}
