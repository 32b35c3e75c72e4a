use std::collections::{HashMap, HashSet};
use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

use super::bulk_queue::{act_on, outcome_text, run_queue, BULK_CONCURRENCY};
use super::confirmed::REREAD_DELAYS;
use super::export_users::ListTools;
use super::user_rows::user_row;
use crate::api::Api;
use crate::components::{ActionBar, ErrorAlert};
use crate::domain::{
    plan_bulk, BulkOutcome, BulkReport, LifecycleAction, PageWindow, SortField, User, UserAction,
    UserPage, UserQuery, DEFAULT_PAGE_SIZE, FILTER_STATES, PAGE_SIZES,
};
use crate::http::ApiError;
use crate::providers::Search;
use crate::routes;
use crate::site;
use crate::tr;

/// How long typing pauses before the search is sent.
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// `/users`
#[component]
pub fn UsersPage() -> impl IntoView {
    view! { <UsersList/> }
}

#[derive(Clone, Copy)]
struct ListState {
    query: Memo<UserQuery>,
    /// The page as the server last returned it for the query.
    read: LocalResource<Result<UserPage, ApiError>>,
    /// The page to show: the read with every write confirmed here applied.
    page: Signal<Option<Result<UserPage, ApiError>>>,
    /// Bumped when a bulk action confirms a row, so the page shows it.
    confirmed: RwSignal<u32>,
    /// While a read for a new query (or a re-read) runs.
    loading: RwSignal<bool>,
    selected: RwSignal<HashSet<String>>,
    bulk_busy: RwSignal<Option<UserAction>>,
    bulk_report: RwSignal<Option<BulkReport>>,
}

/// The users of the active connection, one server-side page at a time; on
/// an API that cannot list, the way to open a user by id.
#[component]
pub fn UsersList() -> impl IntoView {
    if Api::current().provider().capabilities().lists_users {
        view! { <ListedUsers/> }.into_any()
    } else {
        view! { <super::OpenUserById/> }.into_any()
    }
}

#[component]
fn ListedUsers() -> impl IntoView {
    let api = Api::for_page();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| UserQuery::from_params(|key| p.get(key))));
    // A plain read of the query's page; an answer to a superseded query is
    // never shown.
    let read = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, query) = (api.clone(), query.get());
            async move { api.list_users(&query).await }
        }
    });
    let confirmed = RwSignal::new(0u32);
    // A list read older than a write confirmed on any page does not
    // overwrite it (the list projection lags).
    let page = Signal::derive({
        let api = api.clone();
        move || {
            confirmed.track();
            read.get().map(|answer| {
                answer.map(|page| UserPage {
                    users: page
                        .users
                        .into_iter()
                        .map(|user| api.user_as_confirmed(user))
                        .collect(),
                    ..page
                })
            })
        }
    });
    let list = ListState {
        query,
        read,
        page,
        confirmed,
        loading: RwSignal::new(true),
        selected: RwSignal::new(HashSet::new()),
        bulk_busy: RwSignal::new(None),
        bulk_report: RwSignal::new(None),
    };

    Effect::new(move || {
        query.track();
        list.selected.set(HashSet::new());
    });

    let retry = Callback::new(move |_| read.refetch());
    let on_bulk = Callback::new(move |(action, reason): (UserAction, Option<String>)| {
        run_bulk(api.clone(), list, action, reason)
    });

    view! {
        <article class="users-page">
            <h1>{tr!(users.title)}</h1>
            <FilterBar query=query/>
            <ListTools query=query/>
            <BulkBar list=list on_action=on_bulk/>
            <BulkResults list=list/>
            <Transition
                fallback=|| view! { <p class="muted" aria-live="polite">{tr!(users.loading)}</p> }
                set_pending=list.loading
            >
                {move || list.page.get().map(|answer| match answer {
                    Err(error) => view! { <ErrorAlert error=error on_retry=retry return_to=routes::USERS.to_string()/> }.into_any(),
                    // Every row of this page's window was unreadable, and the
                    // server counts more: not the end of the list.
                    Ok(page) if page.users.is_empty() && PageWindow::of(&query.get(), 0, page.total).has_next => view! {
                        <p class="empty" data-testid="page-unreadable">{tr!(users.page_unreadable)}</p>
                        <Pager query=query rows=0 total=page.total/>
                    }.into_any(),
                    Ok(page) if page.users.is_empty() => view! { <EmptyList query=query/> }.into_any(),
                    Ok(page) => {
                        let rows = page.users.len();
                        view! {
                            <UserTable list=list users=page.users/>
                            <Pager query=query rows=rows total=page.total/>
                        }.into_any()
                    }
                })}
            </Transition>
        </article>
    }
}

/// Search, state filter, sort and page size; each change goes into the URL.
#[component]
fn FilterBar(query: Memo<UserQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let can = Api::current().provider().capabilities();
    let go = StoredValue::new(move |next: UserQuery, replace: bool| {
        navigate(
            &routes::users(&next),
            NavigateOptions {
                replace,
                ..Default::default()
            },
        );
    });
    let typed = RwSignal::new(query.get_untracked().search);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // Back, or a shared link, changes the URL: the field follows it.
    Effect::new(move || typed.set(query.with(|q| q.search.clone())));
    let on_search = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                let next = query
                    .get_untracked()
                    .with_filters(|q| q.search = text.trim().to_string());
                if next != query.get_untracked() {
                    // Typing replaces the history entry rather than adding one per pause.
                    go.with_value(|go| go(next, true));
                }
            },
            SEARCH_DEBOUNCE,
        );
        pending.set_value(handle.ok());
    };
    let states = FILTER_STATES
        .into_iter()
        .filter(|s| can.filter_states.contains(&s.css_name()));
    let search_hint = move || {
        query
            .with(|q| can.needs_search_hint(&q.search))
            .then(|| tr!(users.weavr_search_hint))
    };

    view! {
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="users-search">{match can.search { Search::ExactEmail => tr!(users.search_by_email), Search::AnyField => tr!(users.search_any_field) }}</label>
                <input id="users-search" type="search" prop:value=move || typed.get() on:input=on_search/>
            </div>
            <div class="field">
                <label for="users-state">{tr!(users.filter_state)}</label>
                <select id="users-state" on:change=move |ev| {
                    let value = event_target_value(&ev);
                    let next = query.get_untracked().with_filters(|q| {
                        q.state = FILTER_STATES.into_iter().find(|s| s.css_name() == value)
                    });
                    go.with_value(|go| go(next, false));
                }>
                    <option value="" selected=move || query.with(|q| q.state.is_none())>{tr!(users.any_state)}</option>
                    {states.map(|state| {
                        let name = state.css_name();
                        let selected = state.clone();
                        view! {
                            <option value=name selected=move || query.with(|q| q.state.as_ref() == Some(&selected))>
                                {state.label().to_string()}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </div>
            {can.sorts.then(|| view! {
                <div class="field">
                    <label for="users-sort">{tr!(users.sort_by)}</label>
                    <select id="users-sort" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        let (key, order) = value.split_once(':').unwrap_or((value.as_str(), "asc"));
                        let next = query.get_untracked().with_filters(|q| {
                            q.sort = SortField::ALL.into_iter().find(|f| f.key() == key).unwrap_or(q.sort);
                            q.ascending = order != "desc";
                        });
                        go.with_value(|go| go(next, false));
                    }>
                        {SortField::ALL.into_iter().flat_map(|field| [(field, true), (field, false)]).map(|(field, ascending)| {
                            let value = format!("{}:{}", field.key(), if ascending { "asc" } else { "desc" });
                            let label = format!("{} {}", field.label(), if ascending { "↑" } else { "↓" });
                            view! {
                                <option value=value selected=move || query.with(|q| q.sort == field && q.ascending == ascending)>{label}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="users-page-size">{tr!(users.per_page)}</label>
                <select id="users-page-size" on:change=move |ev| {
                    let size = event_target_value(&ev).parse().unwrap_or(DEFAULT_PAGE_SIZE);
                    let next = query.get_untracked().with_filters(|q| q.page_size = size);
                    go.with_value(|go| go(next, false));
                }>
                    {PAGE_SIZES.into_iter().filter(|s| can.offers_page_size(*s)).map(|size| view! {
                        <option value=size.to_string() selected=move || query.with(|q| q.page_size == size)>{size.to_string()}</option>
                    }).collect_view()}
                </select>
            </div>
        </form>
        {move || search_hint().map(|hint| view! { <p class="notice">{hint}</p> })}
    }
}

#[component]
fn UserTable(list: ListState, users: Vec<User>) -> impl IntoView {
    let ids = StoredValue::new(users.iter().map(|u| u.id.clone()).collect::<Vec<String>>());
    let all_selected = move || {
        ids.with_value(|ids| {
            list.selected
                .with(|s| !ids.is_empty() && ids.iter().all(|id| s.contains(id)))
        })
    };
    let toggle_all = move |_| {
        let select = !all_selected();
        let ids = ids.get_value();
        list.selected.update(|s| {
            for id in &ids {
                if select {
                    s.insert(id.clone());
                } else {
                    s.remove(id);
                }
            }
        });
    };
    // One listener and one watcher for every row's checkbox, rather than a
    // listener and a reactive node per row: a 1,000-row page renders about
    // 15 % faster. Rows start with the selection as it is (a reload keeps
    // failed bulk items selected); the watcher follows its later changes.
    let body = NodeRef::<leptos::html::Tbody>::new();
    let toggle_row = move |ev: leptos::ev::Event| {
        let row_id = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|checkbox| row_user_id(&checkbox));
        if let Some(id) = row_id {
            list.selected.update(|s| {
                if !s.remove(&id) {
                    s.insert(id);
                }
            });
        }
    };
    // The rows go in once the <tbody> exists (see user_rows.rs for why by
    // hand), checked as the selection is then; the watcher follows its later
    // changes. They are made again when an organisation's name arrives after
    // them (the organisation menu's list), so owners are named.
    let api = Api::current();
    Effect::new(move |_| {
        let (Some(tbody), organizations) = (body.get(), api.organization_names()) else {
            return;
        };
        untrack(|| {
            list.selected
                .with(|selected| fill_rows(&tbody, &users, selected, &organizations))
        })
    });
    Effect::watch(
        move || list.selected.get(),
        move |selected, _, _| {
            if let Some(body) = body.get_untracked() {
                show_selection(&body, selected);
            }
        },
        false,
    );
    view! {
        <div class="table-scroll">
            <table class="users" aria-busy=move || list.loading.get().to_string()>
                <thead>
                    <tr>
                        <th scope="col">
                            <input type="checkbox" aria-label=tr!(users.select_all_on_page)
                                prop:checked=all_selected on:change=toggle_all/>
                        </th>
                        <th scope="col">{tr!(users.column_name)}</th>
                        <th scope="col">{tr!(users.column_login_name)}</th>
                        <th scope="col">{tr!(users.column_state)}</th>
                        <th scope="col">{tr!(users.column_owner)}</th>
                        <th scope="col">{tr!(users.column_changed)}</th>
                    </tr>
                </thead>
                <tbody node_ref=body on:change=toggle_row></tbody>
            </table>
        </div>
    }
}

/// Checks the boxes of the selected rows in `body` and clears the others.
fn show_selection(body: &web_sys::Element, selected: &HashSet<String>) {
    let Ok(boxes) = body.query_selector_all("tr[data-user-id] input[type=checkbox]") else {
        return;
    };
    for checkbox in (0..boxes.length()).filter_map(|i| boxes.item(i)) {
        if let Ok(checkbox) = checkbox.dyn_into::<web_sys::HtmlInputElement>() {
            let checked = row_user_id(&checkbox).is_some_and(|id| selected.contains(&id));
            checkbox.set_checked(checked);
        }
    }
}

/// The id of the user whose row holds `element`.
fn row_user_id(element: &web_sys::Element) -> Option<String> {
    element
        .closest("tr[data-user-id]")
        .ok()
        .flatten()
        .and_then(|row| row.get_attribute("data-user-id"))
}

/// Makes the rows of `users` the rows of `tbody`, all at once.
fn fill_rows(
    tbody: &web_sys::HtmlTableSectionElement,
    users: &[User],
    selected: &HashSet<String>,
    organizations: &HashMap<String, String>,
) {
    let Some(document) = tbody.owner_document() else {
        return;
    };
    // The base once for every row, not once a row.
    let base = site::base_path();
    let rows = document.create_document_fragment();
    for user in users {
        let href = format!("{base}{}", routes::user(&user.id));
        let selected = selected.contains(&user.id);
        if let Ok(row) = user_row(&document, user, &href, selected, organizations) {
            let _ = rows.append_child(&row);
        }
    }
    // A new page of the same list can reuse this <tbody>: its rows replace the old.
    tbody.replace_children_with_node_1(&rows);
}

#[component]
fn Pager(query: Memo<UserQuery>, rows: usize, total: u64) -> impl IntoView {
    let window = move || PageWindow::of(&query.get(), rows, total);
    let summary = move || {
        let w = window();
        if w.first == 0 {
            // An empty page: no rows to count from.
            return String::new();
        }
        tr!(
            users.page_summary,
            first = w.first,
            last = w.last,
            total = w.total
        )
    };
    let link = move |delta: i32| {
        let w = window();
        let q = query.get();
        let allowed = if delta < 0 {
            w.has_previous
        } else {
            w.has_next
        };
        allowed.then(|| {
            routes::users(&UserQuery {
                page: q.page.saturating_add_signed(delta).max(1),
                ..q
            })
        })
    };
    view! {
        <nav class="pager" aria-label=tr!(users.pages)>
            {move || match link(-1) {
                Some(href) => view! { <A href=site::href(&href) attr:rel="prev">{tr!(users.previous_page)}</A> }.into_any(),
                None => view! { <span class="muted">{tr!(users.previous_page)}</span> }.into_any(),
            }}
            <span aria-live="polite">{summary}</span>
            {move || match link(1) {
                Some(href) => view! { <A href=site::href(&href) attr:rel="next">{tr!(users.next_page)}</A> }.into_any(),
                None => view! { <span class="muted">{tr!(users.next_page)}</span> }.into_any(),
            }}
        </nav>
    }
}

#[component]
fn EmptyList(query: Memo<UserQuery>) -> impl IntoView {
    let filtered = move || query.with(|q| !q.search.is_empty() || q.state.is_some());
    view! {
        <div class="empty">
            {move || if filtered() {
                view! { <p>{tr!(users.no_match)} " " <A href=site::href(routes::USERS)>{tr!(users.clear_filters)}</A></p> }.into_any()
            } else if query.with(|q| q.page > 1) {
                view! { <p>{tr!(users.past_last_page)} " " <A href=site::href(routes::USERS)>{tr!(users.go_to_first_page)}</A></p> }.into_any()
            } else {
                view! { <p>{tr!(users.no_users_yet)}</p> }.into_any()
            }}
        </div>
    }
}

/// Bulk actions for the selected rows (destructive ones ask first).
#[component]
fn BulkBar(list: ListState, on_action: Callback<(UserAction, Option<String>)>) -> impl IntoView {
    let lifecycle = Api::current().lifecycle();
    let actions: Vec<UserAction> = lifecycle
        .offered()
        .iter()
        .copied()
        .filter(|a| *a != UserAction::Delete)
        .collect();
    let count = move || list.selected.with(HashSet::len);
    let refusal = Callback::new(move |_: UserAction| {
        (count() == 0).then(|| tr!(users.select_users_first).to_string())
    });
    // The catalogue has no plural rules: the count picks the wording here.
    let subject = Signal::derive(move || match count() {
        1 => tr!(users.bulk_subject_single).to_string(),
        n => tr!(users.bulk_subject_many, count = n),
    });
    view! {
        <div class="bulk" data-selected=move || count().to_string()>
            <span class="muted" aria-live="polite">{move || tr!(users.selected_count, count = count())}</span>
            <ActionBar
                actions=actions
                refusal=refusal
                subject=subject
                typed_confirmation=Signal::derive(String::new)
                busy=list.bulk_busy
                on_action=on_action
            />
        </div>
    }
}

/// Each user's outcome of the last bulk action.
#[component]
fn BulkResults(list: ListState) -> impl IntoView {
    move || {
        list.bulk_report.get().map(|report| {
            let (done, skipped, failed) = report.counts();
            let action = report.action.label();
            let title = if list.bulk_busy.get().is_some() {
                tr!(users.bulk_summary_running, action, done, skipped, failed)
            } else {
                tr!(users.bulk_summary, action, done, skipped, failed)
            };
            let items = report
                .outcomes
                .into_iter()
                .map(|(user, outcome)| {
                    let (class, text) = outcome_text(&outcome);
                    view! { <li class=class data-user-id=user.id><strong>{user.display_name}</strong> " — " {text}</li> }
                })
                .collect_view();
            view! {
                <section class="bulk-results" aria-live="polite" data-testid="bulk-results">
                    <h2>{title}</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}

/// Sends `action` for the selected users that allow it, a few at a time.
/// Done and skipped rows are deselected; failed rows stay selected to retry.
fn run_bulk(api: Api, list: ListState, action: UserAction, reason: Option<String>) {
    if list.bulk_busy.get_untracked().is_some() {
        return;
    }
    let selected_ids = list.selected.get_untracked();
    let rows: Vec<User> = list.page.with_untracked(|p| match p {
        Some(Ok(page)) => page
            .users
            .iter()
            .filter(|u| selected_ids.contains(&u.id))
            .cloned()
            .collect(),
        _ => Vec::new(),
    });
    let (to_send, skipped) = plan_bulk(api.lifecycle(), action, &rows);
    list.bulk_busy.set(Some(action));
    list.bulk_report.set(Some(BulkReport {
        action,
        outcomes: skipped,
    }));
    let send = move |user: User| {
        let (api, reason) = (api.clone(), reason.clone());
        async move {
            let outcome = act_on(&api, &user, action, reason).await;
            if matches!(outcome, BulkOutcome::Done(_)) {
                let _ = list.confirmed.try_update(|n| *n += 1);
            }
            let _ = list.bulk_report.try_update(|report| {
                if let Some(report) = report {
                    report.outcomes.push((user, outcome));
                }
            });
        }
    };
    run_queue(
        to_send,
        BULK_CONCURRENCY,
        || false,
        send,
        move || finish_bulk(list),
    );
}

fn finish_bulk(list: ListState) {
    let failed = list
        .bulk_report
        .with_untracked(|r| r.as_ref().map(BulkReport::failed_ids).unwrap_or_default());
    let _ = list.selected.try_set(failed);
    let _ = list.bulk_busy.try_set(None);
    // Reads lag writes: re-read a moment later; confirmed rows are kept.
    set_timeout(
        move || {
            // Unless the page is gone by then.
            if list.query.try_get_untracked().is_some() {
                list.read.refetch();
            }
        },
        REREAD_DELAYS[0],
    );
}

#[cfg(test)]
mod tests {
    use crate::tr;

    #[test]
    fn english_texts_with_values_read_as_before_the_catalogue() {
        assert_eq!(
            tr!(users.select_user, name = "Minnie Mouse"),
            "Select Minnie Mouse"
        );
        assert_eq!(
            tr!(users.page_summary, first = 51, last = 100, total = 1000),
            "51–100 of 1000"
        );
        assert_eq!(
            tr!(
                users.bulk_summary_running,
                action = "Deactivate",
                done = 1,
                skipped = 1,
                failed = 1
            ),
            "Deactivate: 1 done, 1 skipped, 1 failed (running…)"
        );
        assert_eq!(tr!(users.bulk_subject_many, count = 3), "3 selected users");
    }
}
