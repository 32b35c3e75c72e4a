use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::Api;
use crate::components::{ErrorAlert, StateBadge, TimestampView};
use crate::domain::Grant;
use crate::routes;
use crate::site;
use crate::tr;

/// The user's grants in the connection's organisation, each a link to its page.
#[component]
pub fn GrantList(
    #[prop(into)] user_id: Signal<String>,
    /// Bumped when grants were written elsewhere on the page: the list reads again.
    #[prop(optional)]
    revision: Option<RwSignal<u32>>,
) -> impl IntoView {
    let api = Api::for_page();
    let organization = api.organization_id().map(str::to_string);
    // Names the organisation once the console knows it (the menu's list).
    let names = api.clone();
    // A plain read: the list is re-read whenever the user changes; a list
    // read older than a write confirmed on the grant's page does not
    // overwrite it (the list projection lags).
    let grants = LocalResource::new(move || {
        let api = api.clone();
        let id = user_id.get();
        if let Some(revision) = revision {
            revision.track();
        }
        async move {
            api.list_grants(&id).await.map(|(list, total)| {
                let list = list
                    .into_iter()
                    .map(|grant| api.grant_as_confirmed(grant))
                    .collect::<Vec<_>>();
                (list, total)
            })
        }
    });
    let retry = Callback::new(move |_| grants.refetch());
    let scope = move || match &organization {
        Some(organization) => match names.organization_name(organization) {
            Some(name) => tr!(user.grants_scope_named_organization, name, organization),
            None => tr!(user.grants_scope_organization, organization),
        },
        None => tr!(user.grants_scope_own_organization).to_string(),
    };

    view! {
        <section class="grants" aria-labelledby="grants-heading">
            <h2 id="grants-heading">{tr!(user.grants_heading)}</h2>
            <p class="muted">{scope}</p>
            <Transition fallback=|| view! { <p class="muted">{tr!(user.loading_grants)}</p> }>
                {move || grants.get().map(|answer| match answer {
                    Err(error) => view! { <ErrorAlert error=error on_retry=retry/> }.into_any(),
                    Ok((list, _)) if list.is_empty() => view! { <p>{tr!(user.no_grants)}</p> }.into_any(),
                    Ok((list, total)) => view! { <GrantTable grants=list total=total/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn GrantTable(grants: Vec<Grant>, total: u64) -> impl IntoView {
    let shown = grants.len() as u64;
    let rows = grants
        .into_iter()
        .map(|grant| {
            let href = site::href(&routes::grant(&grant.user_id, &grant.id));
            let state = grant.state.clone();
            let title = grant.title();
            let roles = if grant.roles.is_empty() {
                "—".to_string()
            } else {
                grant.roles.join(", ")
            };
            view! {
                <tr data-grant-id=grant.id>
                    <td><A href=href>{title}</A></td>
                    <td>{roles}</td>
                    <td><StateBadge label=state.label().to_string() tone=state.css_name()/></td>
                    <td>{grant.details.created.map(|t| view! { <TimestampView timestamp=t compact=true/> })}</td>
                    <td>{grant.details.changed.map(|t| view! { <TimestampView timestamp=t compact=true/> })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{tr!(user.column_project)}</th>
                        <th scope="col">{tr!(user.column_roles)}</th>
                        <th scope="col">{tr!(user.column_state)}</th>
                        <th scope="col">{tr!(user.column_created)}</th>
                        <th scope="col">{tr!(user.column_changed)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(total > shown).then(|| view! { <p class="muted">{tr!(user.grants_shown, shown, total)}</p> })}
    }
}
