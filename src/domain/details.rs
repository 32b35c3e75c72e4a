use super::Timestamp;
use crate::tr;

/// Who owns an object, in the terms of ZITADEL's `OwnerType`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerKind {
    Organization,
    Instance,
    System,
    /// Weavr identities, which own their authorised users.
    Corporate,
    Consumer,
    Buyer,
    /// The server sent no type, or a bare owner id (the published v3alpha example).
    Unspecified,
}

impl OwnerKind {
    pub fn label(&self) -> &'static str {
        match self {
            OwnerKind::Organization => tr!(domain.owner_organization),
            OwnerKind::Instance => tr!(domain.owner_instance),
            OwnerKind::System => tr!(domain.owner_system),
            OwnerKind::Corporate => tr!(domain.owner_corporate),
            OwnerKind::Consumer => tr!(domain.owner_consumer),
            OwnerKind::Buyer => tr!(domain.owner_buyer),
            OwnerKind::Unspecified => tr!(domain.owner_unspecified),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: String,
}

/// What the server said about an object's history. Every field is optional
/// because providers omit what they do not know (and Weavr sends none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Details {
    pub owner: Option<Owner>,
    pub created: Option<Timestamp>,
    pub changed: Option<Timestamp>,
    /// Count of the object's events; lets a read be recognised as stale.
    pub sequence: Option<u64>,
}

impl Details {
    /// Details returned by a write describe the event just written: they
    /// replace what they carry and keep what they leave out (a state change
    /// response has no creation date, but the user still has one).
    pub fn updated_with(&self, newer: Details) -> Details {
        Details {
            owner: newer.owner.or_else(|| self.owner.clone()),
            created: newer.created.or_else(|| self.created.clone()),
            changed: newer.changed.or_else(|| self.changed.clone()),
            sequence: newer.sequence.or(self.sequence),
        }
    }

    /// True when these details are older than `other`: a projection that has
    /// not yet caught up with a write already confirmed. The event sequence
    /// decides where both have one (ZITADEL v1/v2); otherwise the change time
    /// (v3alpha sends no sequence).
    pub fn is_older_than(&self, other: &Details) -> bool {
        match (self.sequence, other.sequence, &self.changed, &other.changed) {
            (Some(mine), Some(theirs), _, _) => mine < theirs,
            (_, _, Some(mine), Some(theirs)) => mine.unix_millis() < theirs.unix_millis(),
            _ => false,
        }
    }
}

/// Something the server versions by its details: a user or a grant.
pub trait Versioned: Clone {
    fn id(&self) -> &str;
    fn details(&self) -> &Details;
}

/// Combines a fresh read with what the page shows. Reads lag writes in
/// ZITADEL, so a read of the same object that is older than the confirmed
/// write is ignored rather than allowed to flip the page back. Returns what to
/// show, and whether the read was stale (then read again later).
pub fn reconcile<T: Versioned>(shown: Option<T>, fresh: T) -> (T, bool) {
    match shown {
        Some(confirmed)
            if confirmed.id() == fresh.id()
                && fresh.details().is_older_than(confirmed.details()) =>
        {
            (confirmed, true)
        }
        _ => (fresh, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<Timestamp> {
        Some(Timestamp::parse(s).unwrap())
    }

    #[test]
    fn write_details_replace_what_they_carry_and_keep_the_rest() {
        let read = Details {
            owner: Some(Owner {
                kind: OwnerKind::Organization,
                id: "1".into(),
            }),
            created: ts("2024-08-01T10:00:00Z"),
            changed: ts("2024-08-02T11:00:00Z"),
            sequence: Some(12),
        };
        let write = Details {
            changed: ts("2024-08-02T11:05:09.871Z"),
            sequence: Some(13),
            ..Default::default()
        };
        let merged = read.updated_with(write);
        assert_eq!(merged.created, ts("2024-08-01T10:00:00Z"));
        assert_eq!(merged.changed, ts("2024-08-02T11:05:09.871Z"));
        assert_eq!(merged.sequence, Some(13));
        assert_eq!(merged.owner.unwrap().id, "1");
    }

    #[test]
    fn staleness_compares_sequences_only_when_both_are_known() {
        let at = |n| Details {
            sequence: Some(n),
            ..Default::default()
        };
        assert!(at(12).is_older_than(&at(13)));
        assert!(!at(13).is_older_than(&at(13)));
        assert!(!at(14).is_older_than(&at(13)));
        assert!(!Details::default().is_older_than(&at(13)));
    }

    #[test]
    fn without_sequences_the_change_time_decides() {
        let changed = |t| Details {
            changed: ts(t),
            ..Default::default()
        };
        assert!(changed("2024-08-02T11:00:00Z").is_older_than(&changed("2024-08-02T11:07:00Z")));
        assert!(!changed("2024-08-02T11:07:00Z").is_older_than(&changed("2024-08-02T11:07:00Z")));
        assert!(!Details::default().is_older_than(&changed("2024-08-02T11:07:00Z")));
    }
}
