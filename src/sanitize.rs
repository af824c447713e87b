//! The one filter for text from outside (backend data, servers' error messages, CSV input, file
//! names) before it reaches any output: the screen, stdout and stderr, the clipboard, a CSV
//! cell, `audit show`.
//!
//! It removes what a terminal or a spreadsheet would act on instead of show:
//! - C0 and C1 control characters and DEL (ESC, BEL, BS, U+009B CSI …): escape sequences that
//!   move the cursor, retitle the window or set the clipboard (OSC 52);
//! - bidirectional overrides, embeddings, isolates and marks (U+202A–U+202E, U+2066–U+2069,
//!   U+200E, U+200F, U+061C), which reorder what follows them on the line;
//! - zero-width and other invisible format characters (U+200B–U+200D, U+2060–U+2064, U+FEFF,
//!   U+00AD, tag characters …), which make two different strings look the same.
//!
//! Line and column breaks (CR, LF, TAB, VT, FF, NEL, U+2028, U+2029) become one space per run,
//! so a value stays on its row and nothing after it is hidden. JSON output is not filtered:
//! serde escapes every control character, and a script reads exactly what the server said.

use std::borrow::Cow;

/// `true` for a character that never reaches an output as it is.
pub fn is_unsafe(c: char) -> bool {
    is_break(c) || removed(c)
}

/// Breaks a line or a cell: shown as one space.
fn is_break(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Dropped: controls, bidi controls, zero-width and invisible format characters.
fn removed(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `text` made safe to show on one line: unsafe characters dropped, each run of line breaks
/// and tabs one space. Borrows when there is nothing to change (the usual case).
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_break = false;
    for c in text.chars() {
        if is_break(c) {
            if !in_break {
                out.push(' ');
            }
            in_break = true;
        } else if removed(c) {
            // Dropped without ending a run: "a\r\x1b\n b" is "a  b", not "a   b".
        } else {
            out.push(c);
            in_break = false;
        }
    }
    Cow::Owned(out)
}

/// [`line`] for an owned string: the same string back when it is already safe.
pub fn owned(text: String) -> String {
    match line(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

/// Several lines (a report, a list): each line through [`line`], the line breaks kept.
pub fn lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, l) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&line(l));
    }
    out
}

/// A CSV cell: [`line`], then kept from being read as a formula (OWASP "CSV injection"). A
/// cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front,
/// which spreadsheets read as "this is text": `+45 12 34 56 78` stays a phone number.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    // Tested on the raw text: a tab or CR first is a formula trigger even though `line`
    // turns it into a space.
    let risky = text
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    let safe = line(text);
    let risky = risky
        || safe
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@'));
    if risky {
        Cow::Owned(format!("'{safe}"))
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What no output may hold: C0, DEL, C1, bidi controls, zero-width characters.
    fn forbidden(c: char) -> bool {
        let u = c as u32;
        u <= 0x1F
            || (0x7F..=0x9F).contains(&u)
            || (0x202A..=0x202E).contains(&u)
            || (0x2066..=0x2069).contains(&u)
            || (0x200B..=0x200F).contains(&u)
            || u == 0x2060
            || u == 0xFEFF
            || u == 0x061C
    }

    #[test]
    fn escape_sequences_lose_their_escape() {
        assert_eq!(
            line("Ann\x1b]52;c;ZWNobyBoaQ==\x07Lee"),
            "Ann]52;c;ZWNobyBoaQ==Lee"
        );
        assert_eq!(line("x\u{9b}31mred"), "x31mred");
        assert_eq!(line("\x1b[2J\x1b[Hgone"), "[2J[Hgone");
        assert_eq!(line("back\x08\x08\x08\x7fspace"), "backspace");
    }

    #[test]
    fn breaks_are_one_space_and_nothing_is_hidden() {
        assert_eq!(line("Ann\r\nLee"), "Ann Lee");
        assert_eq!(line("Ann\tLee\rEvil"), "Ann Lee Evil");
        assert_eq!(line("a\r\x1b\n b"), "a  b");
        assert_eq!(line("a\u{2028}b\u{85}c"), "a b c");
    }

    #[test]
    fn bidi_and_zero_width_characters_go() {
        assert_eq!(line("file\u{202E}fdp.exe"), "filefdp.exe");
        assert_eq!(line("\u{2066}a\u{2069}\u{200B}b\u{FEFF}\u{2060}c"), "abc");
        assert_eq!(line("pay\u{200D}pal\u{00AD}"), "paypal");
        assert_eq!(line("tag\u{E0041}\u{E007F}"), "tag");
    }

    #[test]
    fn ordinary_names_are_borrowed_unchanged() {
        for s in [
            "Søren Ærø-Østergaard",
            "Zoë Ñúñez",
            "李小龙",
            "مريم",
            "e\u{301}",
            "",
        ] {
            assert!(matches!(line(s), Cow::Borrowed(b) if b == s), "{s}");
        }
    }

    #[test]
    fn lines_keep_their_breaks_and_lose_the_rest() {
        assert_eq!(lines("one\x1b[1m\ntwo\r\tthree"), "one[1m\ntwo three");
    }

    #[test]
    fn csv_cells_cannot_start_a_formula() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(csv_cell("+45 12 34 56 78"), "'+45 12 34 56 78");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\t=1+1"), "' =1+1");
        assert_eq!(csv_cell("\r=1+1"), "' =1+1");
        // A formula behind invisible characters is found too.
        assert_eq!(csv_cell("\u{200B}=1+1"), "'=1+1");
        assert_eq!(csv_cell("Ida Holm"), "Ida Holm");
        assert_eq!(csv_cell("a=b"), "a=b");
        assert_eq!(csv_cell(""), "");
    }

    proptest! {
        #[test]
        fn no_output_holds_a_forbidden_character(s in any::<String>()) {
            let out = line(&s);
            prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", s, out);
            let cell = csv_cell(&s);
            prop_assert!(!cell.chars().any(forbidden), "{:?} -> {:?}", s, cell);
            prop_assert!(!cell.starts_with(['=', '+', '-', '@']), "{:?} -> {:?}", s, cell);
        }

        #[test]
        fn hostile_mixes_come_out_clean(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("\x1b]52;c;QQ==\x07".to_string()),
                    Just("\u{9b}2J".to_string()),
                    Just("\r\n\t\x08".to_string()),
                    Just("\u{202E}\u{2066}\u{200B}\u{FEFF}".to_string()),
                    "[a-zA-Z æøå]{0,8}",
                ],
                0..8,
            )
        ) {
            let s = parts.concat();
            let out = line(&s);
            prop_assert!(!out.chars().any(forbidden), "{:?} -> {:?}", s, out);
            // The letters are all still there, in order.
            let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).collect::<String>();
            prop_assert_eq!(letters(&out), letters(&s));
        }

        #[test]
        fn safe_text_is_left_as_it_is(s in "[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]*") {
            prop_assume!(!s.chars().any(is_unsafe));
            prop_assert_eq!(line(&s), s.as_str());
        }
    }
}
