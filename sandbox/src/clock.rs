//! Timestamps: events carry millisecond precision in UTC.

use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};

/// A point in time, millisecond precision, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Now, cut to whole milliseconds (what the event store keeps).
    pub fn now() -> Self {
        Self::from_millis(Utc::now().timestamp_millis())
    }

    pub fn from_millis(millis: i64) -> Self {
        // Out-of-range values (far beyond year 262000) cannot come from the clock.
        Timestamp(
            Utc.timestamp_millis_opt(millis)
                .single()
                .unwrap_or_default(),
        )
    }

    pub fn millis(self) -> i64 {
        self.0.timestamp_millis()
    }

    pub fn plus(self, duration: Duration) -> Self {
        Self::from_millis((self.0 + duration).timestamp_millis())
    }

    /// The form kept in the database: RFC 3339, always three fraction digits, so that
    /// text order is time order.
    pub fn to_storage(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn from_storage(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Self::from_millis(t.timestamp_millis()))
    }

    /// The form on the wire, as protojson writes a `google.protobuf.Timestamp`:
    /// UTC, `Z`, and 0, 3, 6 or 9 fraction digits (here 0 or 3).
    pub fn to_wire(self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_protojson() {
        let t = Timestamp::from_millis(1_722_596_709_871);
        assert_eq!(t.to_wire(), "2024-08-02T11:05:09.871Z");
        assert_eq!(t.to_storage(), "2024-08-02T11:05:09.871Z");
        let whole = Timestamp::from_millis(1_722_596_709_000);
        assert_eq!(whole.to_wire(), "2024-08-02T11:05:09Z");
        assert_eq!(whole.to_storage(), "2024-08-02T11:05:09.000Z");
    }

    #[test]
    fn storage_form_round_trips() {
        let t = Timestamp::from_millis(1_722_596_709_871);
        assert_eq!(Timestamp::from_storage(&t.to_storage()), Some(t));
        assert_eq!(Timestamp::from_storage("yesterday"), None);
    }
}
