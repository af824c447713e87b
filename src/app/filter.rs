//! `f` on a list: a fuzzy filter (nucleo) over the loaded rows, as the pane shows their cells.
//! The rows keep their order; the filter only hides what does not match. Typing goes to the
//! filter until Enter (keep it, back to the list) or Esc (drop it).

use super::columns::{Cell, Column};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// What a row offers the filter: the text it is matched on.
pub trait Filterable {
    fn haystack(&self) -> String;
}

/// The text of a row's cells that depend on the row alone, as the pane draws them.
pub fn haystack_of<T>(columns: &[Column<T>], row: &T) -> String {
    let mut text = String::new();
    for c in columns {
        if let Cell::Plain(f) = c.cell {
            text.push_str(&crate::sanitize::owned(f(row)));
            text.push(' ');
        }
    }
    text
}

/// Rows of this type are filtered on the cells of these columns.
#[macro_export]
macro_rules! filter_on_columns {
    ($row:ty, $columns:expr) => {
        impl $crate::app::filter::Filterable for $row {
            fn haystack(&self) -> String {
                $crate::app::filter::haystack_of($columns, self)
            }
        }
    };
}

#[derive(Debug, Default)]
pub struct ListFilter {
    pub input: tui_input::Input,
    /// Keys go to the filter's field.
    pub typing: bool,
    /// The indices of the loaded rows that match, in list order.
    pub shown: Vec<usize>,
}

impl ListFilter {
    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Matches every row again (after typing, or when a page arrived).
    pub fn apply<T: Filterable>(&mut self, rows: &[T]) {
        let query = self.text().trim();
        if query.is_empty() {
            self.shown = (0..rows.len()).collect();
            return;
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        self.shown = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                let hay = r.haystack();
                pattern
                    .score(Utf32Str::new(&hay, &mut buf), &mut matcher)
                    .is_some()
            })
            .map(|(i, _)| i)
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Filterable for &str {
        fn haystack(&self) -> String {
            self.to_string()
        }
    }

    #[test]
    fn a_fuzzy_filter_keeps_matching_rows_in_their_order() {
        let rows = ["Ida Jensen", "Mads Nielsen", "Ida Holm", "Jens Ida"];
        let mut f = ListFilter {
            input: tui_input::Input::new("ida".into()),
            ..Default::default()
        };
        f.apply(&rows);
        assert_eq!(f.shown, vec![0, 2, 3]);
        f.input = tui_input::Input::new("mdsnl".into());
        f.apply(&rows);
        assert_eq!(f.shown, vec![1], "fuzzy: letters in order");
        f.input = tui_input::Input::default();
        f.apply(&rows);
        assert_eq!(f.shown.len(), 4);
    }
}
