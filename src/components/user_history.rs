use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::{ErrorAlert, TimestampView};
use crate::api::{Api, Intent, PendingReason};
use crate::domain::history::{append_page, older_page_after, paired, Change, ReasonLog};
use crate::domain::history::{Editor, ReasonRecord, HISTORY_PAGE_SIZE};
use crate::domain::Details;
use crate::http::ApiError;
use crate::routes;
use crate::site;
use crate::tr;

/// A reason whose storing failed after its change was confirmed.
#[derive(Clone, Debug)]
struct Unkept {
    user_id: String,
    organization_id: Option<String>,
    pending: PendingReason,
    error: ApiError,
}

/// What the user page tells its history: that the server confirmed a change
/// (the history reloads), and the reason to keep on the user for it. Created
/// by the page, so it outlives the history's own re-renders. `Copy`.
#[derive(Clone, Copy)]
pub struct HistoryFeed {
    /// Counts confirmed changes and stored reasons: each reloads the history.
    version: RwSignal<u64>,
    unkept: RwSignal<Option<Unkept>>,
    storing: RwSignal<bool>,
    /// What a screen reader hears once a reason is stored.
    announcement: RwSignal<String>,
}

impl Default for HistoryFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl HistoryFeed {
    pub fn new() -> Self {
        HistoryFeed {
            version: RwSignal::new(0),
            unkept: RwSignal::new(None),
            storing: RwSignal::new(false),
            announcement: RwSignal::new(String::new()),
        }
    }

    /// After the server confirmed `intent` on `user_id` with `details`: the
    /// history reloads, and the reason given is kept on the user when the
    /// connection records reasons. A deleted user keeps no metadata.
    pub fn after_change(&self, api: &Api, user_id: &str, intent: &Intent, details: &Details) {
        let _ = self.unkept.try_set(None);
        let _ = self.version.try_update(|v| *v += 1);
        let Some(pending) = api.reason_to_keep(intent, details) else {
            return;
        };
        let organization_id = details.owner.as_ref().map(|owner| owner.id.clone());
        self.store(api.clone(), user_id.to_string(), organization_id, pending);
    }

    /// Stores the reason again; only the metadata is written.
    fn retry(self) {
        if let Some(unkept) = self.unkept.get_untracked() {
            self.unkept.set(None);
            self.store(
                Api::for_page(),
                unkept.user_id,
                unkept.organization_id,
                unkept.pending,
            );
        }
    }

    fn store(
        self,
        api: Api,
        user_id: String,
        organization_id: Option<String>,
        pending: PendingReason,
    ) {
        let _ = self.storing.try_set(true);
        let _ = self.announcement.try_set(String::new());
        spawn_local(async move {
            let result = api
                .record_reason(&user_id, organization_id.as_deref(), &pending)
                .await;
            if self.storing.try_set(false).is_some() {
                return; // the page is gone
            }
            match result {
                Ok(()) => {
                    self.announcement.set(tr!(history.reason_kept).to_string());
                    self.version.update(|v| *v += 1);
                }
                Err(error) => self.unkept.set(Some(Unkept {
                    user_id,
                    organization_id,
                    pending,
                    error,
                })),
            }
        });
    }
}

/// The history shown: the changes read so far and the reasons kept.
#[derive(Clone, Copy)]
struct Shown {
    changes: RwSignal<Vec<Change>>,
    reasons: RwSignal<ReasonLog>,
    loaded: RwSignal<bool>,
    read_error: RwSignal<Option<ApiError>>,
    reasons_unreadable: RwSignal<bool>,
    /// The sequence below which older changes are asked for, if any may exist.
    older: RwSignal<Option<u64>>,
    older_loading: RwSignal<bool>,
    older_error: RwSignal<Option<ApiError>>,
    /// Counts loads, so an answer to a superseded one is dropped.
    generation: StoredValue<u64>,
    /// Whose history is shown: another user's is cleared, not kept until the answer.
    for_user: StoredValue<String>,
}

/// A user's changes, newest first, with the reasons this console kept for
/// them, and a way to page back. The organisation is the user's own: the
/// server lists only the changes owned by the organisation asked in.
#[component]
pub fn UserHistory(
    #[prop(into)] user_id: Signal<String>,
    /// The user's details: their owner is the organisation to ask in.
    #[prop(into)]
    details: Signal<Details>,
    feed: HistoryFeed,
) -> impl IntoView {
    let api = Api::for_page();
    if !api.provider().capabilities().has_history {
        return view! {
            <section class="history" aria-labelledby="history-heading">
                <h2 id="history-heading">{tr!(history.heading)}</h2>
                <p class="muted" data-testid="history-unavailable">{tr!(history.unavailable)}</p>
            </section>
        }
        .into_any();
    }
    let fallback_org = api.organization_id().map(str::to_string);
    let organization = Memo::new(move |_| {
        details
            .with(|d| d.owner.as_ref().map(|owner| owner.id.clone()))
            .or_else(|| fallback_org.clone())
    });
    let shown = Shown {
        changes: RwSignal::new(Vec::new()),
        reasons: RwSignal::new(ReasonLog::default()),
        loaded: RwSignal::new(false),
        read_error: RwSignal::new(None),
        reasons_unreadable: RwSignal::new(false),
        older: RwSignal::new(None),
        older_loading: RwSignal::new(false),
        older_error: RwSignal::new(None),
        generation: StoredValue::new(0),
        for_user: StoredValue::new(String::new()),
    };
    let load = {
        let api = api.clone();
        move || {
            let id = user_id.get_untracked();
            let org = organization.get_untracked();
            load_first(api.clone(), shown, id, org);
        }
    };
    Effect::new({
        let load = load.clone();
        move || {
            user_id.track();
            organization.track();
            feed.version.track();
            load();
        }
    });
    let retry_read = Callback::new(move |_| load());
    let load_older = {
        let api = api.clone();
        move |_| {
            load_next(
                api.clone(),
                shown,
                user_id.get_untracked(),
                organization.get_untracked(),
            )
        }
    };

    view! {
        <section class="history" aria-labelledby="history-heading" data-testid="history">
            <h2 id="history-heading">{tr!(history.heading)}</h2>
            // A live region without the `status` role: the page's own status
            // line says what the change did; this one only that the reason is kept.
            <p class="visually-hidden" aria-live="polite">{move || feed.announcement.get()}</p>
            {move || feed.storing.get().then(|| view! { <p class="muted">{tr!(history.storing_reason)}</p> })}
            // The feed outlives a move to another user (the editor's link):
            // a reason not kept is shown on its own user's page only.
            {move || feed.unkept.get().filter(|u| u.user_id == user_id.get()).map(|unkept| view! {
                <div class="stale-note" data-testid="reason-not-kept">
                    <p>{tr!(history.reason_not_kept)}</p>
                    <ErrorAlert error=unkept.error/>
                    // Offered whatever the error: it writes only the reason.
                    <button type="button" data-testid="retry-reason" on:click=move |_| feed.retry()>
                        {tr!(history.retry_reason)}
                    </button>
                </div>
            })}
            {move || shown.read_error.get().map(|error| view! {
                <div data-testid="history-read-failed">
                    <p>{tr!(history.read_failed)}</p>
                    <ErrorAlert error=error on_retry=retry_read/>
                </div>
            })}
            {move || shown.reasons_unreadable.get().then(|| view! {
                <p class="notice">{tr!(history.reasons_unreadable)}</p>
            })}
            {move || match (shown.loaded.get(), shown.read_error.with(Option::is_some)) {
                (false, false) => view! { <p class="muted" aria-live="polite">{tr!(history.loading)}</p> }.into_any(),
                (true, _) if shown.changes.with(Vec::is_empty) => {
                    let organization = organization.get().unwrap_or_default();
                    view! { <p data-testid="history-empty">{tr!(history.none, organization)}</p> }.into_any()
                }
                (true, _) => view! { <ChangeTable shown=shown/> }.into_any(),
                (false, true) => ().into_any(),
            }}
            {move || shown.older_error.get().map(|error| view! {
                <p>{tr!(history.older_failed)}</p>
                <ErrorAlert error=error/>
            })}
            {move || shown.older.get().is_some().then(|| {
                let load_older = load_older.clone();
                view! {
                    <button
                        type="button"
                        data-testid="history-older"
                        disabled=move || shown.older_loading.get()
                        on:click=load_older
                    >
                        {move || if shown.older_loading.get() { tr!(history.loading_older) } else { tr!(history.load_older) }}
                    </button>
                }
            })}
        </section>
    }
    .into_any()
}

/// Reads the newest page and the reasons; what was shown of the same user
/// stays until the answer replaces it.
fn load_first(api: Api, shown: Shown, user_id: String, organization_id: Option<String>) {
    shown.generation.update_value(|g| *g += 1);
    let generation = shown.generation.get_value();
    shown.older_error.set(None);
    if shown.for_user.get_value() != user_id {
        shown.for_user.set_value(user_id.clone());
        shown.changes.set(Vec::new());
        shown.reasons.set(ReasonLog::default());
        shown.older.set(None);
        shown.read_error.set(None);
        shown.reasons_unreadable.set(false);
        shown.loaded.set(false);
    }
    spawn_local(async move {
        let changes = api
            .list_changes(&user_id, organization_id.as_deref(), None)
            .await;
        let reasons = if api.records_reasons() {
            Some(api.read_reasons(&user_id, organization_id.as_deref()).await)
        } else {
            None
        };
        if shown.generation.try_get_value() != Some(generation) {
            return; // superseded, or the page is gone
        }
        match changes {
            Ok(page) => {
                shown.older.set(older_page_after(&page, HISTORY_PAGE_SIZE));
                shown.changes.set(page);
                shown.read_error.set(None);
                shown.loaded.set(true);
            }
            Err(error) => shown.read_error.set(Some(error)),
        }
        match reasons {
            Some(Ok(log)) => {
                shown.reasons.set(log);
                shown.reasons_unreadable.set(false);
            }
            Some(Err(_)) => shown.reasons_unreadable.set(true),
            None => {}
        }
    });
}

/// Reads the next older page and adds it below.
fn load_next(api: Api, shown: Shown, user_id: String, organization_id: Option<String>) {
    let Some(before) = shown.older.get_untracked() else {
        return;
    };
    if shown.older_loading.get_untracked() {
        return;
    }
    let generation = shown.generation.get_value();
    shown.older_loading.set(true);
    shown.older_error.set(None);
    spawn_local(async move {
        let result = api
            .list_changes(&user_id, organization_id.as_deref(), Some(before))
            .await;
        if shown.older_loading.try_set(false).is_some()
            || shown.generation.try_get_value() != Some(generation)
        {
            return;
        }
        match result {
            Ok(page) => {
                shown.older.set(older_page_after(&page, HISTORY_PAGE_SIZE));
                shown.changes.update(|changes| append_page(changes, page));
            }
            Err(error) => shown.older_error.set(Some(error)),
        }
    });
}

#[component]
fn ChangeTable(shown: Shown) -> impl IntoView {
    let rows = move || {
        shown.changes.with(|changes| {
            shown.reasons.with(|log| {
                paired(changes, log)
                    .into_iter()
                    .map(|(change, reason)| change_row(change, reason))
                    .collect_view()
            })
        })
    };
    view! {
        <div class="table-scroll">
            <table data-testid="history-table">
                <caption class="visually-hidden">{tr!(history.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(history.column_when)}</th>
                        <th scope="col">{tr!(history.column_change)}</th>
                        <th scope="col">{tr!(history.column_sequence)}</th>
                        <th scope="col">{tr!(history.column_editor)}</th>
                        <th scope="col">{tr!(history.column_reason)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn change_row(change: &Change, reason: Option<&ReasonRecord>) -> impl IntoView {
    let at = change.at.clone();
    view! {
        <tr data-sequence=change.sequence.to_string() data-event-type=change.event_type.clone()>
            <td>{at.map(|t| view! { <TimestampView timestamp=t compact=true/> })}</td>
            <td>{change.label()}</td>
            <td>{change.sequence}</td>
            <td><EditorCell editor=change.editor.clone()/></td>
            <td data-testid="history-reason">{reason.map(|r| r.reason.clone())}</td>
        </tr>
    }
}

/// The editor's name, a link to their page when ZITADEL found them as a user
/// (it names only those), and their login name and id.
#[component]
fn EditorCell(editor: Editor) -> impl IntoView {
    let label = editor.label();
    let is_user = editor.display_name.is_some() || editor.login_name.is_some();
    let name = if is_user {
        let href = site::href(&routes::user(&editor.id));
        view! { <A href=href>{label}</A> }.into_any()
    } else {
        view! { <span>{label}</span> }.into_any()
    };
    // Under a display name, the login name too (without one, it is the label).
    let login = editor
        .display_name
        .is_some()
        .then(|| editor.login_name.clone())
        .flatten();
    view! {
        {name}
        {login.map(|login| view! { <br/><span class="muted">{login}</span> })}
        {is_user.then(|| view! { <br/><code class="muted">{editor.id.clone()}</code> })}
    }
}
