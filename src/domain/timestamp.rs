use std::fmt;

use crate::tr;

/// An instant sent by the server as RFC 3339 (`2023-07-10T14:20:42.406554Z`).
///
/// The text is kept as the server sent it, for the exact-UTC hover; the
/// milliseconds since the Unix epoch drive local and relative formatting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timestamp {
    text: String,
    unix_millis: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampError(pub String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tr!(domain.timestamp_invalid, text = &self.0))
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as ZITADEL sends it.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let err = || TimestampError(text.to_string());
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return Err(err());
        }
        if b[13] != b':' || b[16] != b':' {
            return Err(err());
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let part = text.get(range).ok_or_else(err)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(err());
        }
        // 60 allows a leap second; it is folded into the next minute.
        if hour > 23 || minute > 59 || second > 60 {
            return Err(err());
        }

        let mut rest = &text[19..];
        let mut millis = 0;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(err());
            }
            let first_three = format!("{:0<3}", &fraction[..digits.min(3)]);
            millis = first_three.parse::<i64>().map_err(|_| err())?;
            rest = &fraction[digits..];
        }
        let offset_minutes = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return Err(err()),
                };
                let hours: i64 = rest[1..3].parse().map_err(|_| err())?;
                let minutes: i64 = rest[4..6].parse().map_err(|_| err())?;
                if hours > 23 || minutes > 59 {
                    return Err(err());
                }
                sign * (hours * 60 + minutes)
            }
            _ => return Err(err()),
        };

        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
        Ok(Timestamp {
            text: text.to_string(),
            unix_millis: seconds * 1_000 + millis,
        })
    }

    /// The text exactly as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn unix_millis(&self) -> i64 {
        self.unix_millis
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(s: &str) -> i64 {
        Timestamp::parse(s).unwrap().unix_millis()
    }

    #[test]
    fn parses_zitadel_timestamps_with_0_3_6_or_9_fraction_digits() {
        assert_eq!(millis("1970-01-01T00:00:00Z"), 0);
        assert_eq!(millis("2024-08-02T11:00:00Z"), 1_722_596_400_000);
        assert_eq!(millis("2024-08-02T11:00:00.5Z"), 1_722_596_400_500);
        assert_eq!(millis("2024-08-02T11:05:09.871Z"), 1_722_596_709_871);
        assert_eq!(millis("2023-07-10T14:20:42.406554Z"), 1_688_998_842_406);
        assert_eq!(millis("2023-07-10T14:20:42.406554123Z"), 1_688_998_842_406);
    }

    #[test]
    fn honours_offsets_and_leap_days() {
        assert_eq!(
            millis("2024-08-02T13:00:00+02:00"),
            millis("2024-08-02T11:00:00Z")
        );
        assert_eq!(
            millis("2024-08-02T06:30:00-04:30"),
            millis("2024-08-02T11:00:00Z")
        );
        assert_eq!(
            millis("2024-03-01T00:00:00Z") - millis("2024-02-28T00:00:00Z"),
            2 * 86_400_000
        );
        assert_eq!(millis("1969-12-31T23:59:59Z"), -1_000);
    }

    #[test]
    fn keeps_the_text_as_sent() {
        let t = Timestamp::parse("2023-07-10T14:20:42.406554Z").unwrap();
        assert_eq!(t.as_str(), "2023-07-10T14:20:42.406554Z");
        assert_eq!(t.to_string(), "2023-07-10T14:20:42.406554Z");
    }

    #[test]
    fn rejects_what_is_not_rfc_3339() {
        for bad in [
            "",
            "yesterday",
            "2024-08-02",
            "2024-08-02T11:00:00",
            "2024-13-02T11:00:00Z",
            "2023-02-29T11:00:00Z",
            "2024-08-02T24:00:00Z",
            "2024-08-02T11:00:00.Z",
            "2024-08-02T11:00:00.1234567890Z",
            "2024-08-02T11:00:00+0200",
            "2024-08-02T11:00:00Zjunk",
            "２０２４-08-02T11:00:00Z",
            "+024-08-02T11:00:00Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
