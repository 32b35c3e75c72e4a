use leptos::prelude::*;

use super::TimestampView;
use crate::domain::Details;
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
                            <dd>{owner.kind.label()} " " <code>{owner.id}</code></dd>
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
