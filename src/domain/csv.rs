//! CSV as RFC 4180 writes it (UTF-8, CRLF line ends, quotes doubled inside
//! quoted cells), for the files the console writes and the lists it reads.
//!
//! Formula neutralisation: a spreadsheet runs a cell that starts with `=`,
//! `+`, `-` or `@` as a formula, and OWASP ("CSV Injection") adds tab and
//! carriage return to those leading characters. Such a cell gets a leading
//! apostrophe, which spreadsheets show as text and do not run. The apostrophe
//! changes the text (a name `-Ada-` reads `'-Ada-` in the file); that is the
//! price OWASP accepts, and an id or email never starts with one of them.

/// The byte order mark at the start of a written file: without it some
/// spreadsheets read UTF-8 as a legacy code page and garble umlauts.
pub const BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell as written: neutralised, then quoted when it holds a comma, a
/// quote or a line break.
pub fn cell(text: &str) -> String {
    let neutral = if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One record, its line end included.
pub fn record<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Why a text is no CSV.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvError {
    /// A quoted cell that starts on this (1-based) line never ends.
    UnclosedQuote { line: usize },
}

/// Reads CSV records: quoted cells may hold commas, doubled quotes and line
/// breaks; lines may end in CRLF or LF; a leading byte order mark is
/// dropped. Empty lines give no record.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Whether the current record has anything, so empty lines are skipped.
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if cell.is_empty() => {
                started = true;
                let opened_on = line;
                loop {
                    match chars.next() {
                        None => return Err(CsvError::UnclosedQuote { line: opened_on }),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            cell.push('"');
                        }
                        Some('"') => break,
                        Some(other) => {
                            if other == '\n' {
                                line += 1;
                            }
                            cell.push(other);
                        }
                    }
                }
            }
            ',' => {
                started = true;
                record.push(std::mem::take(&mut cell));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                if started {
                    record.push(std::mem::take(&mut cell));
                    records.push(std::mem::take(&mut record));
                }
                started = false;
            }
            other => {
                started = true;
                cell.push(other);
            }
        }
    }
    if started {
        record.push(cell);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(cell("ada@example.com"), "ada@example.com");
        assert_eq!(cell("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("Jürgen Müß"), "Jürgen Müß");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tcmd"), "'\tcmd");
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
        // Only at the start.
        assert_eq!(cell("a=b-c"), "a=b-c");
    }

    #[test]
    fn records_end_in_crlf() {
        assert_eq!(record(&["id", "a,b", "=x"]), "id,\"a,b\",'=x\r\n");
    }

    #[test]
    fn what_is_written_reads_back() {
        let rows = vec![
            vec!["id".to_string(), "name".to_string()],
            vec!["1".to_string(), "Lovelace, \"Ada\"\r\nCountess".to_string()],
            vec!["2".to_string(), String::new()],
        ];
        let mut text = BOM.to_string();
        for row in &rows {
            text.push_str(&record(row));
        }
        assert_eq!(parse(&text).unwrap(), rows);
    }

    #[test]
    fn reading_accepts_lf_skips_empty_lines_and_reports_unclosed_quotes() {
        assert_eq!(
            parse("a,b\n\nc\n").unwrap(),
            vec![vec!["a", "b"], vec!["c"]]
        );
        assert_eq!(parse("a,\n").unwrap(), vec![vec!["a", ""]]);
        assert_eq!(
            parse("a\n\"b\nc").unwrap_err(),
            CsvError::UnclosedQuote { line: 2 }
        );
    }
}
