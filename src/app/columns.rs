//! A table's columns, defined once in its feature and used by the pane, by `:export` and by
//! `backoffice get --output table`, so all three show the same columns in the same order with
//! the same text (masked values stay masked).

/// How wide a column is drawn; plain data, the UI turns it into a layout constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Exactly this many cells.
    Fixed(u16),
    /// This share of the table's width.
    Percent(u16),
    /// At most this many cells.
    Max(u16),
    /// An id: whole on a wide table, its first 8 characters on a narrow one.
    Id,
    /// What is left, shared with other `Fill` columns in this proportion.
    Fill(u16),
}

/// How a cell is coloured on screen; plain data, the theme gives each its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Ok,
    Warn,
    Danger,
    Dim,
}

/// What a cell may depend on besides its row: the day it is judged on (ages, expiry) and
/// the language of type names. The same for the pane, the export and the CLI.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// Midnight UTC of today (see `State::today_start`).
    pub today: jiff::Timestamp,
    pub language: &'a str,
}

/// A cell's text: from the row alone, or from the row and the day it is shown.
pub enum Cell<T> {
    Plain(fn(&T) -> String),
    Dated(fn(&T, &Shown) -> String),
}

/// One column: its header, its width on screen, and the text of a row's cell.
pub struct Column<T> {
    pub header: &'static str,
    pub width: Width,
    pub cell: Cell<T>,
    /// The cell's colour, where it says something (a state, an outcome, an expiry).
    pub tone: Option<fn(&T, &Shown) -> Tone>,
    /// On a table narrower than this the column gives way on screen (0: always shown).
    /// Exports and `backoffice get` always have it.
    pub min_table_width: u16,
}

impl<T> Column<T> {
    pub const fn new(header: &'static str, width: Width, cell: fn(&T) -> String) -> Column<T> {
        Column {
            header,
            width,
            cell: Cell::Plain(cell),
            tone: None,
            min_table_width: 0,
        }
    }

    /// A column whose text depends on the day (an age, say).
    pub const fn dated(
        header: &'static str,
        width: Width,
        cell: fn(&T, &Shown) -> String,
    ) -> Column<T> {
        Column {
            header,
            width,
            cell: Cell::Dated(cell),
            tone: None,
            min_table_width: 0,
        }
    }

    /// The cell's text, through `sanitize`: what the pane, `:export` and `backoffice get`
    /// show of a backend's values is the same safe text.
    pub fn text(&self, row: &T, shown: &Shown) -> String {
        crate::sanitize::owned(match self.cell {
            Cell::Plain(f) => f(row),
            Cell::Dated(f) => f(row, shown),
        })
    }

    pub fn tone_of(&self, row: &T, shown: &Shown) -> Tone {
        self.tone.map_or(Tone::Normal, |f| f(row, shown))
    }

    pub const fn toned(mut self, tone: fn(&T, &Shown) -> Tone) -> Column<T> {
        self.tone = Some(tone);
        self
    }

    pub const fn from_width(mut self, table_width: u16) -> Column<T> {
        self.min_table_width = table_width;
        self
    }
}

/// A table as the screen shows it: column names and rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    /// `rows` through `columns`, as the pane draws them.
    pub fn of<'a, T: 'a>(
        name: &'static str,
        columns: &[Column<T>],
        rows: impl IntoIterator<Item = &'a T>,
        shown: &Shown,
    ) -> Sheet {
        Sheet {
            name,
            headers: headers(columns),
            rows: rows.into_iter().map(|r| cells(columns, r, shown)).collect(),
        }
    }

    /// A detail as field/value pairs, in the order the pane shows them.
    pub fn fields(name: &'static str, pairs: Vec<(&str, String)>) -> Sheet {
        Sheet {
            name,
            headers: vec!["Field", "Value"],
            rows: pairs
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), crate::sanitize::owned(v)])
                .collect(),
        }
    }
}

/// The headers of `columns`, for a table's header row.
pub fn headers<T>(columns: &[Column<T>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.header).collect()
}

/// One row's cells through `columns`.
pub fn cells<T>(columns: &[Column<T>], row: &T, shown: &Shown) -> Vec<String> {
    columns.iter().map(|c| c.text(row, shown)).collect()
}
