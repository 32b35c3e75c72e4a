//! The users list's tools for many users at once: the way to the pasted-list
//! page, and the CSV export of the list as it is filtered and sorted.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::Api;
use crate::domain::csv;
use crate::domain::{PageWindow, User, UserQuery};
use crate::download::FileParts;
use crate::routes;
use crate::site;
use crate::tr;

/// Rows asked for per request while exporting (ZITADEL's default maximum).
const EXPORT_PAGE: u32 = 1000;

/// The export file's columns.
const COLUMNS: [&str; 7] = [
    "id",
    "user_name",
    "name",
    "login_name",
    "email",
    "state",
    "changed",
];

#[component]
pub fn ListTools(query: Memo<UserQuery>) -> impl IntoView {
    view! {
        <div class="list-tools">
            <A href=site::href(routes::PASTE_LIST)>{tr!(bulk.paste_link)}</A>
            <ExportUsers query=query/>
        </div>
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Export {
    Idle,
    Running { done: u64, total: u64 },
    Done(u64),
    Cancelled,
    Failed(String),
}

/// Exports every page of the list's current filter and sort. Each page
/// becomes a file part as it arrives, and its rows are dropped.
#[component]
fn ExportUsers(query: Memo<UserQuery>) -> impl IntoView {
    let state = RwSignal::new(Export::Idle);
    let cancel = RwSignal::new(false);
    let running = move || matches!(state.get(), Export::Running { .. });
    let start = move |_| {
        if running() {
            return;
        }
        cancel.set(false);
        state.set(Export::Running { done: 0, total: 0 });
        let api = Api::for_page();
        let query = query.get_untracked();
        spawn_local(async move {
            let outcome = export(&api, query, state, cancel).await;
            let _ = state.try_set(outcome);
        });
    };
    let status = move || match state.get() {
        Export::Idle => None,
        Export::Running { done, total } => Some(tr!(bulk.exporting, done, total)),
        Export::Done(count) => Some(tr!(bulk.export_done, count)),
        Export::Cancelled => Some(tr!(bulk.export_cancelled).to_string()),
        Export::Failed(why) => Some(tr!(bulk.export_failed, why)),
    };
    view! {
        <div class="export">
            {move || if running() {
                view! { <button type="button" on:click=move |_| cancel.set(true)>{tr!(bulk.export_cancel)}</button> }.into_any()
            } else {
                view! { <button type="button" on:click=start>{tr!(bulk.export)}</button> }.into_any()
            }}
            <span class="muted" aria-live="polite" data-testid="export-status">{status}</span>
        </div>
    }
}

async fn export(
    api: &Api,
    query: UserQuery,
    state: RwSignal<Export>,
    cancel: RwSignal<bool>,
) -> Export {
    let page_size = api
        .provider()
        .capabilities()
        .max_page_size
        .map_or(EXPORT_PAGE, |max| max.min(EXPORT_PAGE));
    let parts = FileParts::default();
    let mut head = csv::BOM.to_string();
    head.push_str(&csv::record(&COLUMNS));
    if let Err(error) = parts.push(&head) {
        return Export::Failed(format!("{error:?}"));
    }
    let mut done = 0u64;
    let mut page = 1;
    loop {
        // A cancel, or a page that is gone, ends it between requests.
        if cancel.try_get_untracked().unwrap_or(true) {
            return Export::Cancelled;
        }
        let this_page = UserQuery {
            page,
            page_size,
            ..query.clone()
        };
        let users = match api.list_users(&this_page).await {
            Ok(answer) => answer,
            Err(error) => return Export::Failed(super::bulk_queue::describe(&error)),
        };
        let window = PageWindow::of(&this_page, users.users.len(), users.total);
        let rows: String = users.users.iter().map(row).collect();
        if let Err(error) = parts.push(&rows) {
            return Export::Failed(format!("{error:?}"));
        }
        done += users.users.len() as u64;
        let _ = state.try_set(Export::Running {
            done,
            total: window.total,
        });
        if !window.has_next {
            break;
        }
        page += 1;
    }
    match parts.save_csv("users.csv") {
        Ok(()) => Export::Done(done),
        Err(error) => Export::Failed(format!("{error:?}")),
    }
}

fn row(user: &User) -> String {
    csv::record(&[
        user.id.as_str(),
        user.username.as_str(),
        user.display_name.as_str(),
        user.login_name.as_deref().unwrap_or(""),
        user.email.as_deref().unwrap_or(""),
        user.state.css_name(),
        user.details
            .changed
            .as_ref()
            .map(|t| t.as_str())
            .unwrap_or(""),
    ])
}
