use leptos::prelude::*;

use super::TimestampView;
use crate::domain::Details;

/// What the server returned about the user's history, and only that.
#[component]
pub fn DetailsPanel(#[prop(into)] details: Signal<Details>) -> impl IntoView {
    view! {
        <section class="details" aria-labelledby="details-heading" data-testid="details">
            <h2 id="details-heading">"Details"</h2>
            {move || {
                let details = details.get();
                if details == Details::default() {
                    return view! { <p class="muted">"The server sent no details for this user."</p> }.into_any();
                }
                view! {
                    <dl>
                        {details.owner.map(|owner| view! {
                            <dt>"Owner"</dt>
                            <dd>{owner.kind.label()} " " <code>{owner.id}</code></dd>
                        })}
                        {details.created.map(|t| view! { <dt>"Created"</dt><dd><TimestampView timestamp=t/></dd> })}
                        {details.changed.map(|t| view! { <dt>"Changed"</dt><dd><TimestampView timestamp=t/></dd> })}
                        {details.sequence.map(|s| view! { <dt>"Sequence"</dt><dd>{s}</dd> })}
                    </dl>
                }
                .into_any()
            }}
        </section>
    }
}
