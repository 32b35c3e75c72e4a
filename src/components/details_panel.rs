use leptos::prelude::*;

use super::TimestampView;
use crate::api::Api;
use crate::domain::{Details, Owner, OwnerKind};
use crate::tr;

/// What the server returned about the user's history, and only that.
#[component]
pub fn DetailsPanel(#[prop(into)] details: Signal<Details>) -> impl IntoView {
    view! {
        <section class="details" aria-labelledby="details-heading" data-testid="details">
            <h2 id="details-heading">{tr!(user.details_heading)}</h2>
            {move || {
                let details = details.get();
                if details == Details::default() {
                    return view! { <p class="muted">{tr!(user.details_none)}</p> }.into_any();
                }
                view! {
                    <dl>
                        {details.owner.map(|owner| view! {
                            <dt>{tr!(user.details_owner)}</dt>
                            <dd>{owner_label(&owner)} " " <code>{owner.id}</code></dd>
                        })}
                        {details.created.map(|t| view! { <dt>{tr!(user.details_created)}</dt><dd><TimestampView timestamp=t/></dd> })}
                        {details.changed.map(|t| view! { <dt>{tr!(user.details_changed)}</dt><dd><TimestampView timestamp=t/></dd> })}
                        {details.sequence.map(|s| view! { <dt>{tr!(user.details_sequence)}</dt><dd>{s}</dd> })}
                    </dl>
                }
                .into_any()
            }}
        </section>
    }
}

/// The owner's type, and the organisation's name where the console knows it
/// (the id is shown beside it either way).
pub fn owner_label(owner: &Owner) -> String {
    let name = (owner.kind == OwnerKind::Organization)
        .then(|| Api::try_current().and_then(|api| api.organization_name(&owner.id)))
        .flatten();
    owner_label_named(owner, name.as_deref())
}

/// The owner's type, and `name` when the owner is an organisation.
pub fn owner_label_named(owner: &Owner, name: Option<&str>) -> String {
    match name.filter(|_| owner.kind == OwnerKind::Organization) {
        Some(name) => format!("{} {name}", owner.kind.label()),
        None => owner.kind.label().to_string(),
    }
}
