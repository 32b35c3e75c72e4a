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

/// A reason to keep on a user for a change the server confirmed.
#[derive(Clone)]
struct Reason {
    api: Api,
    user_id: String,
    organization_id: Option<String>,
    pending: PendingReason,
}

/// A store's ticket (which dispatch it answers), and the reason not kept:
/// it comes back with the error, for a retry.
type Stored = (u64, Result<(), (Reason, ApiError)>);

/// What the user page tells its history: that the server confirmed a change
/// (the history reloads), and the reason to keep on the user for it. Created
/// by the page, so it outlives the history's own re-renders. `Copy`.
#[derive(Clone, Copy)]
pub struct HistoryFeed {
    /// Counts confirmed changes: each reloads the history.
    version: RwSignal<u64>,
    /// Keeps a reason on its user.
    store: Action<(u64, Reason), Stored>,
    /// The ticket of the latest store: only its outcome is shown (an earlier
    /// store that ends later says nothing about the latest reason).
    dispatched: StoredValue<u64>,
    /// The ticket of the latest store that kept its reason: each reloads the
    /// history too (a failed store does not).
    kept: Memo<Option<u64>>,
}

impl Default for HistoryFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl HistoryFeed {
    pub fn new() -> Self {
        let store = Action::new_local(|(ticket, reason): &(u64, Reason)| {
            let (ticket, reason) = (*ticket, reason.clone());
            async move {
                let organization = reason.organization_id.as_deref();
                let stored = reason
                    .api
                    .record_reason(&reason.user_id, organization, &reason.pending)
                    .await
                    .map_err(|error| (reason, error));
                (ticket, stored)
            }
        });
        let kept = Memo::new(move |_| {
            store.value().with(|value| match value {
                Some((ticket, Ok(()))) => Some(*ticket),
                _ => None,
            })
        });
        HistoryFeed {
            version: RwSignal::new(0),
            store,
            dispatched: StoredValue::new(0),
            kept,
        }
    }

    /// After the server confirmed `intent` on `user_id` with `details`: the
    /// history reloads, and the reason given is kept on the user when the
    /// connection records reasons. A deleted user keeps no metadata.
    pub fn after_change(&self, api: &Api, user_id: &str, intent: &Intent, details: &Details) {
        // The answer may come after the page is gone.
        if self.version.try_update(|v| *v += 1).is_none() {
            return;
        }
        self.store.clear();
        let Some(pending) = api.reason_to_keep(intent, details) else {
            return;
        };
        self.dispatch(Reason {
            api: api.clone(),
            user_id: user_id.to_string(),
            organization_id: details.owner.as_ref().map(|owner| owner.id.clone()),
            pending,
        });
    }

    /// Stores the reason again; only the metadata is written.
    fn retry(self) {
        let unkept = untrack(|| self.latest(|s| s.as_ref().err().map(|(r, _)| r.clone())));
        if let Some(reason) = unkept.flatten() {
            self.dispatch(reason);
        }
    }

    fn dispatch(&self, reason: Reason) {
        self.dispatched.update_value(|t| *t += 1);
        self.store
            .dispatch_local((self.dispatched.get_value(), reason));
    }

    /// `read` of the latest store's outcome, once it has one (tracked).
    fn latest<R>(&self, read: impl FnOnce(&Result<(), (Reason, ApiError)>) -> R) -> Option<R> {
        let latest = self.dispatched.get_value();
        self.store.value().with(|value| {
            value
                .as_ref()
                .filter(|(ticket, _)| *ticket == latest)
                .map(|(_, stored)| read(stored))
        })
    }

    fn storing(&self) -> bool {
        self.store.pending().get()
    }

    /// The reason not kept, and why; none while a store is running.
    fn unkept(&self) -> Option<(Reason, ApiError)> {
        if self.storing() {
            return None;
        }
        self.latest(|s| s.as_ref().err().cloned()).flatten()
    }

    /// What a screen reader hears once a reason is stored.
    fn announcement(&self) -> &'static str {
        let kept = !self.storing() && self.latest(Result::is_ok) == Some(true);
        if kept {
            tr!(history.reason_kept)
        } else {
            ""
        }
    }
}

/// The newest changes and the reasons kept for them, as one read.
#[derive(Clone)]
struct FirstPage {
    changes: Vec<Change>,
    reasons: ReasonLog,
    /// The connection keeps reasons, but they could not be read.
    reasons_unreadable: bool,
}

async fn read_first(
    api: Api,
    user_id: String,
    organization_id: Option<String>,
) -> Result<FirstPage, ApiError> {
    let organization = organization_id.as_deref();
    let changes = api.list_changes(&user_id, organization, None).await?;
    let reasons = if api.records_reasons() {
        Some(api.read_reasons(&user_id, organization).await)
    } else {
        None
    };
    Ok(FirstPage {
        changes,
        reasons_unreadable: matches!(reasons, Some(Err(_))),
        reasons: reasons.and_then(Result::ok).unwrap_or_default(),
    })
}

/// The pages below the first one, read one at a time on demand.
#[derive(Clone, Copy)]
struct Older {
    pages: RwSignal<Vec<Vec<Change>>>,
    loading: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
}

impl Older {
    fn new() -> Older {
        Older {
            pages: RwSignal::new(Vec::new()),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// The sequence below which the next page lies, after `first` and the
    /// pages read so far; `None` once a page was short.
    fn below(&self, first: &[Change]) -> Option<u64> {
        self.pages.with(|pages| {
            let last = pages.last().map_or(first, Vec::as_slice);
            older_page_after(last, HISTORY_PAGE_SIZE)
        })
    }

    /// Every change shown: the first page's, then the older pages'.
    fn below_first(&self, first: &[Change]) -> Vec<Change> {
        let mut changes = first.to_vec();
        self.pages.with(|pages| {
            for page in pages {
                append_page(&mut changes, page.clone());
            }
        });
        changes
    }
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
    // A plain read, again after each confirmed change and each reason
    // stored; what was shown stays until the answer replaces it.
    let first = LocalResource::new({
        let api = api.clone();
        move || {
            feed.version.track();
            feed.kept.track();
            read_first(api.clone(), user_id.get(), organization.get())
        }
    });
    let older = Older::new();
    // Older pages follow the first page they were read after.
    Effect::new(move || {
        first.track();
        older.pages.set(Vec::new());
        older.error.set(None);
    });
    let retry_read = Callback::new(move |_| first.refetch());
    let load_older = Callback::new(move |_| {
        let (id, org) = (user_id.get_untracked(), organization.get_untracked());
        read_older(api.clone(), older, id, org, first);
    });

    view! {
        <section class="history" aria-labelledby="history-heading" data-testid="history">
            <h2 id="history-heading">{tr!(history.heading)}</h2>
            // A live region without the `status` role: the page's own status
            // line says what the change did; this one only that the reason is kept.
            <p class="visually-hidden" aria-live="polite">{move || feed.announcement()}</p>
            {move || feed.storing().then(|| view! { <p class="muted">{tr!(history.storing_reason)}</p> })}
            // The feed outlives a move to another user (the editor's link):
            // a reason not kept is shown on its own user's page only.
            {move || feed.unkept().filter(|(reason, _)| reason.user_id == user_id.get()).map(|(_, error)| view! {
                <div class="stale-note" data-testid="reason-not-kept">
                    <p>{tr!(history.reason_not_kept)}</p>
                    <ErrorAlert error=error/>
                    // Offered whatever the error: it writes only the reason.
                    <button type="button" data-testid="retry-reason" on:click=move |_| feed.retry()>
                        {tr!(history.retry_reason)}
                    </button>
                </div>
            })}
            <Transition fallback=|| view! { <p class="muted" aria-live="polite">{tr!(history.loading)}</p> }>
                {move || first.get().map(|answer| match answer {
                    Err(error) => view! {
                        <div data-testid="history-read-failed">
                            <p>{tr!(history.read_failed)}</p>
                            <ErrorAlert error=error on_retry=retry_read/>
                        </div>
                    }.into_any(),
                    Ok(page) => view! {
                        <Changes page=page older=older organization=organization load_older=load_older/>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// The first page's changes and the older pages read below it, or that
/// there are none; the button for the next older page.
#[component]
fn Changes(
    page: FirstPage,
    older: Older,
    organization: Memo<Option<String>>,
    load_older: Callback<()>,
) -> impl IntoView {
    let FirstPage {
        changes: first,
        reasons,
        reasons_unreadable,
    } = page;
    let below = {
        let first = first.clone();
        move || older.below(&first)
    };
    let table = move || {
        let changes = older.below_first(&first);
        if changes.is_empty() {
            let organization = organization.get().unwrap_or_default();
            view! { <p data-testid="history-empty">{tr!(history.none, organization)}</p> }
                .into_any()
        } else {
            view! { <ChangeTable changes=changes reasons=reasons.clone()/> }.into_any()
        }
    };
    view! {
        {reasons_unreadable.then(|| view! { <p class="notice">{tr!(history.reasons_unreadable)}</p> })}
        {table}
        {move || older.error.get().map(|error| view! {
            <p>{tr!(history.older_failed)}</p>
            <ErrorAlert error=error/>
        })}
        {move || below().is_some().then(|| {
            view! {
                <button
                    type="button"
                    data-testid="history-older"
                    disabled=move || older.loading.get()
                    on:click=move |_| load_older.run(())
                >
                    {move || if older.loading.get() { tr!(history.loading_older) } else { tr!(history.load_older) }}
                </button>
            }
        })}
    }
}

/// Reads the next older page and adds it below. An answer for a page that is
/// no longer the next one below the first page as it is then (it may have
/// been read again meanwhile) is dropped.
fn read_older(
    api: Api,
    older: Older,
    user_id: String,
    organization_id: Option<String>,
    first: LocalResource<Result<FirstPage, ApiError>>,
) {
    let next_below = move || match first.try_get_untracked().flatten() {
        Some(Ok(page)) => older.below(&page.changes),
        _ => None,
    };
    let Some(below) = next_below() else {
        return;
    };
    if older.loading.get_untracked() {
        return;
    }
    older.loading.set(true);
    older.error.set(None);
    spawn_local(async move {
        let result = api
            .list_changes(&user_id, organization_id.as_deref(), Some(below))
            .await;
        if older.loading.try_set(false).is_some() {
            return; // the page is gone
        }
        match result {
            Ok(page) if next_below() == Some(below) => older.pages.update(|pages| pages.push(page)),
            Ok(_) => {}
            Err(error) => older.error.set(Some(error)),
        }
    });
}

#[component]
fn ChangeTable(changes: Vec<Change>, reasons: ReasonLog) -> impl IntoView {
    let rows = paired(&changes, &reasons)
        .into_iter()
        .map(|(change, reason)| change_row(change, reason))
        .collect_view();
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
