//! `/users/paste`: offboard a pasted list of users. First a dry run (each
//! line matched to at most one user, and what would happen to it); nothing is
//! written until the admin confirms the plan. Then the run, a few requests at
//! a time through the users list's bulk machinery, with progress, a stop, and
//! each line's outcome as the server answered it, downloadable as CSV.

use std::collections::HashSet;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use super::bulk_queue::{act_on, outcome_text, run_queue, BULK_CONCURRENCY};
use crate::api::Api;
use crate::components::{ConfirmDialog, ErrorAlert, StateBadge};
use crate::domain::csv::CsvError;
use crate::domain::{
    entries_from_csv, entries_from_text, outcome_csv, plan, plan_counts, BulkOutcome, Candidate,
    Entry, Me, PlannedLine, LIST_ACTION,
};
use crate::download::save_csv_text;
use crate::http::ApiError;
use crate::routes;
use crate::site;
use crate::tr;

/// Lines looked up in one request.
const LOOKUP_CHUNK: usize = 50;

/// `/users/paste`
#[component]
pub fn PasteListPage() -> impl IntoView {
    if Api::current().provider().capabilities().lists_users {
        view! { <PasteList/> }.into_any()
    } else {
        view! { <article><h1>{tr!(bulk.paste_title)}</h1><p class="notice">{tr!(bulk.no_list)}</p></article> }
            .into_any()
    }
}

/// The dry run's result, and each line's outcome once the run answers it.
#[derive(Clone)]
struct Planned {
    lines: Arc<Vec<PlannedLine>>,
    /// `outcomes[i]` is line `i`'s outcome, set only from the server's answer.
    outcomes: Arc<Vec<RwSignal<Option<BulkOutcome>>>>,
    me_known: bool,
}

#[derive(Clone, Copy)]
struct Run {
    running: RwSignal<bool>,
    stop: RwSignal<bool>,
    finished: RwSignal<bool>,
    done: RwSignal<usize>,
    skipped: RwSignal<usize>,
    failed: RwSignal<usize>,
}

impl Run {
    fn new() -> Run {
        Run {
            running: RwSignal::new(false),
            stop: RwSignal::new(false),
            finished: RwSignal::new(false),
            done: RwSignal::new(0),
            skipped: RwSignal::new(0),
            failed: RwSignal::new(0),
        }
    }
}

#[component]
fn PasteList() -> impl IntoView {
    let api = StoredValue::new_local(Api::for_page());
    let text = RwSignal::new(String::new());
    let input_error = RwSignal::new(None::<String>);
    // How far the dry run got: lines looked up, of all.
    let progress = RwSignal::new(None::<(usize, usize)>);
    // The dry run; the check button waits while one runs, so runs never overlap.
    let dry_run = Action::new_local(move |entries: &Vec<Entry>| {
        let (api, entries) = (api.get_value(), entries.clone());
        async move {
            let (candidates, me) = look_up(&api, &entries, progress).await?;
            let lines = plan(&entries, &candidates, &me, api.lifecycle());
            let outcomes = lines.iter().map(|_| RwSignal::new(None)).collect();
            Ok::<_, ApiError>(Planned {
                lines: Arc::new(lines),
                outcomes: Arc::new(outcomes),
                me_known: me != Me::Unknown,
            })
        }
    });
    let checking = dry_run.pending();
    // The plan, once the dry run answered with one.
    let planned = move || dry_run.value().get_untracked().and_then(Result::ok);
    let has_plan = Memo::new(move |_| dry_run.value().with(|v| matches!(v, Some(Ok(_)))));
    let lookup_error = move || {
        (!checking.get())
            .then(|| dry_run.value().get().and_then(Result::err))
            .flatten()
    };
    let run = Run::new();

    let check = move || {
        let entries = entries_from_text(&text.get_untracked());
        if entries.is_empty() {
            input_error.set(Some(tr!(bulk.list_empty).to_string()));
            return;
        }
        input_error.set(None);
        progress.set(None);
        dry_run.dispatch_local(entries);
    };
    let start_over = move |_| {
        dry_run.clear();
        run.finished.set(false);
        run.stop.set(false);
        for count in [run.done, run.skipped, run.failed] {
            count.set(0);
        }
    };
    let on_confirm = Callback::new(move |reason: Option<String>| {
        if let Some(Ok(planned)) = dry_run.value().get_untracked() {
            start_run(api.get_value(), planned, run, reason);
        }
    });

    view! {
        <article class="paste-list">
            <p><A href=site::href(routes::USERS)>{tr!(users.title)}</A></p>
            <h1>{tr!(bulk.paste_title)}</h1>
            {move || match has_plan.get().then(planned).flatten() {
                None => view! {
                    <ListInput text=text error=input_error busy=checking.into() on_check=Callback::new(move |_| check())/>
                    {move || checking.get().then(|| progress.get()).flatten().map(|(done, total)| view! {
                        <p class="muted" aria-live="polite" data-testid="checking">{tr!(bulk.checking, done, total)}</p>
                    })}
                    {move || lookup_error().map(|error| view! {
                        <ErrorAlert error=error on_retry=Callback::new(move |_| check()) return_to=routes::PASTE_LIST.to_string()/>
                    })}
                }.into_any(),
                Some(planned) => view! {
                    <PlanView planned=planned.clone() run=run on_confirm=on_confirm/>
                    {move || (!run.running.get()).then(|| view! {
                        <p><button type="button" on:click=start_over>{tr!(bulk.start_over)}</button></p>
                    })}
                }.into_any(),
            }}
        </article>
    }
}

/// Asks who the admin is, then looks the distinct lines up a chunk at a
/// time, saying how far it got.
async fn look_up(
    api: &Api,
    entries: &[Entry],
    progress: RwSignal<Option<(usize, usize)>>,
) -> Result<(Vec<Candidate>, Me), ApiError> {
    let mut seen = HashSet::new();
    let texts: Vec<String> = entries
        .iter()
        .filter(|e| seen.insert(crate::language::lowercase(&e.text)))
        .map(|e| e.text.clone())
        .collect();
    let total = texts.len();
    progress.set(Some((0, total)));
    let me = api.signed_in_user().await;
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut found = HashSet::new();
    for (i, chunk) in texts.chunks(LOOKUP_CHUNK).enumerate() {
        for candidate in api.find_users(chunk).await? {
            if found.insert(candidate.user.id.clone()) {
                candidates.push(candidate);
            }
        }
        let _ = progress.try_set(Some(((i * LOOKUP_CHUNK + chunk.len()).min(total), total)));
    }
    Ok((candidates, me))
}

/// The text area, the file picker and the button that starts the dry run.
#[component]
fn ListInput(
    text: RwSignal<String>,
    error: RwSignal<Option<String>>,
    busy: Signal<bool>,
    on_check: Callback<()>,
) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.item(0));
        let Some(file) = file else { return };
        spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            match read.ok().and_then(|v| v.as_string()) {
                None => error.set(Some(tr!(bulk.file_unreadable, why = file.name()))),
                Some(content) => match entries_from_csv(&content) {
                    // The file's key column goes into the text area: the
                    // admin sees what will be checked.
                    Ok(entries) => {
                        error.set(None);
                        text.set(
                            entries
                                .into_iter()
                                .map(|e| e.text)
                                .collect::<Vec<_>>()
                                .join("\n"),
                        );
                    }
                    Err(CsvError::UnclosedQuote { line }) => error.set(Some(tr!(
                        bulk.file_unreadable,
                        why = tr!(bulk.csv_unclosed_quote, line)
                    ))),
                },
            }
        });
    };
    view! {
        <p>{tr!(bulk.paste_intro)}</p>
        <form class="paste-form" on:submit=move |ev| { ev.prevent_default(); on_check.run(()); }>
            <div class="field">
                <label for="paste-list">{tr!(bulk.paste_label)}</label>
                <textarea id="paste-list" rows="10" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="paste-file">{tr!(bulk.file_label)}</label>
                <input id="paste-file" type="file" accept=".csv,.txt,text/csv,text/plain" on:change=on_file/>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" class="primary" disabled=move || busy.get()>{tr!(bulk.check)}</button>
        </form>
    }
}

/// The dry run's plan, the confirmation, and the run's progress and outcome.
#[component]
fn PlanView(planned: Planned, run: Run, on_confirm: Callback<Option<String>>) -> impl IntoView {
    let (sends, left) = plan_counts(&planned.lines);
    let total = planned.lines.len();
    let confirming = RwSignal::new(false);
    let answered = move || run.done.get() + run.skipped.get() + run.failed.get();
    let status = move || {
        let (done, skipped, failed) = (run.done.get(), run.skipped.get(), run.failed.get());
        if run.finished.get() {
            let unsent = sends - answered();
            Some(tr!(bulk.finished, done, skipped, failed, unsent))
        } else if run.running.get() {
            let text = tr!(
                bulk.running,
                finished = answered(),
                total = sends,
                done,
                skipped,
                failed
            );
            Some(if run.stop.get() {
                format!("{text} {}", tr!(bulk.stopping))
            } else {
                text
            })
        } else {
            None
        }
    };
    let download = {
        let planned = planned.clone();
        move |_| {
            let outcomes: Vec<Option<BulkOutcome>> =
                planned.outcomes.iter().map(|o| o.get_untracked()).collect();
            let _ = save_csv_text(
                &outcome_csv(&planned.lines, &outcomes),
                "offboarding-outcome.csv",
            );
        }
    };
    let started = move || run.running.get() || run.finished.get();
    let rows = planned
        .lines
        .iter()
        .zip(planned.outcomes.iter())
        .map(|(line, outcome)| view! { <PlanRow line=line.clone() outcome=*outcome finished=run.finished/> })
        .collect_view();
    view! {
        <section class="plan" data-testid="plan">
            <h2>{tr!(bulk.plan_title)}</h2>
            <p data-testid="plan-summary">{tr!(bulk.plan_summary, sends, total, left)}</p>
            {(!planned.me_known).then(|| view! { <p class="notice" data-testid="me-unknown">{tr!(bulk.me_unknown)}</p> })}
            <div class="bulk-run">
                {move || match (started(), sends) {
                    (false, 0) => view! { <p class="muted">{tr!(bulk.nothing_to_run)}</p> }.into_any(),
                    (false, count) => {
                        // The catalogue has no plural rules: the count picks the wording.
                        let label = match count {
                            1 => tr!(bulk.confirm_run_single).to_string(),
                            n => tr!(bulk.confirm_run, count = n),
                        };
                        view! {
                            <button type="button" class="danger" on:click=move |_| confirming.set(true)>{label}</button>
                        }.into_any()
                    }
                    (true, _) => ().into_any(),
                }}
                {move || (run.running.get() && !run.stop.get()).then(|| view! {
                    <button type="button" on:click=move |_| run.stop.set(true)>{tr!(bulk.stop)}</button>
                })}
                <p aria-live="polite" data-testid="run-status">{status}</p>
                {move || run.finished.get().then(|| view! {
                    <button type="button" class="primary" on:click=download.clone()>{tr!(bulk.download_outcome)}</button>
                })}
            </div>
            {move || confirming.get().then(|| view! {
                <ConfirmDialog
                    action=LIST_ACTION
                    subject=match sends {
                        1 => tr!(users.bulk_subject_single).to_string(),
                        n => tr!(users.bulk_subject_many, count = n),
                    }
                    typed_confirmation=String::new()
                    on_confirm=Callback::new(move |reason| {
                        confirming.set(false);
                        on_confirm.run(reason);
                    })
                    on_cancel=Callback::new(move |_| confirming.set(false))
                />
            })}
            <div class="table-scroll">
                <table class="plan-lines">
                    <thead>
                        <tr>
                            <th scope="col">{tr!(bulk.column_line)}</th>
                            <th scope="col">{tr!(bulk.column_input)}</th>
                            <th scope="col">{tr!(bulk.column_user)}</th>
                            <th scope="col">{tr!(bulk.column_state)}</th>
                            <th scope="col">{tr!(bulk.column_plan)}</th>
                            <th scope="col">{tr!(bulk.column_outcome)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn PlanRow(
    line: PlannedLine,
    outcome: RwSignal<Option<BulkOutcome>>,
    finished: RwSignal<bool>,
) -> impl IntoView {
    let sends = line.verdict.sends();
    let user = line.user.as_ref().map(|u| {
        let href = site::href(&routes::user(&u.id));
        view! { <a href=href>{u.display_name.clone()}</a> }
    });
    let state = line
        .user
        .as_ref()
        .map(|u| view! { <StateBadge label=u.state.label().to_string() tone=u.state.css_name()/> });
    let outcome_cell = move || match outcome.get() {
        Some(o) => {
            let (class, text) = outcome_text(&o);
            Some(view! { <span class=class>{text}</span> }.into_any())
        }
        None if sends && finished.get() => {
            Some(view! { <span class="muted">{tr!(bulk.not_sent)}</span> }.into_any())
        }
        None => None,
    };
    view! {
        <tr data-line=line.entry.line data-verdict=line.verdict.code()>
            <td>{line.entry.line}</td>
            <td>{line.entry.text.clone()}</td>
            <td>{user}</td>
            <td>{state}</td>
            <td>{line.verdict.label()}</td>
            <td data-testid="outcome">{outcome_cell}</td>
        </tr>
    }
}

/// Deactivates the plan's users, a few at a time; a stop ends it between
/// requests. Each line's outcome is the server's answer to its request.
fn start_run(api: Api, planned: Planned, run: Run, reason: Option<String>) {
    if run.running.get_untracked() || run.finished.get_untracked() {
        return;
    }
    run.running.set(true);
    let to_send: Vec<usize> = (0..planned.lines.len())
        .filter(|i| planned.lines[*i].verdict.sends())
        .collect();
    let lines = planned.lines.clone();
    let outcomes = planned.outcomes.clone();
    let work = move |i: usize| {
        let (api, reason, lines, outcomes) =
            (api.clone(), reason.clone(), lines.clone(), outcomes.clone());
        async move {
            let Some(user) = lines[i].user.clone() else {
                return;
            };
            let outcome = act_on(&api, &user, LIST_ACTION, reason).await;
            let count = match outcome {
                BulkOutcome::Done(_) => run.done,
                BulkOutcome::Skipped(_) => run.skipped,
                BulkOutcome::Failed(_) => run.failed,
            };
            let _ = count.try_update(|n| *n += 1);
            let _ = outcomes[i].try_set(Some(outcome));
        }
    };
    run_queue(
        to_send,
        BULK_CONCURRENCY,
        // A page that is gone stops too.
        move || run.stop.try_get_untracked().unwrap_or(true),
        work,
        move || {
            let _ = run.running.try_set(false);
            let _ = run.finished.try_set(true);
        },
    );
}
