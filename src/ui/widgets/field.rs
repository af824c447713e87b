//! Label/value lines for detail panes. Values are backends' data: they pass `sanitize`, so a
//! line break or a tab in one is a space rather than nothing.

use crate::ui::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub const LABEL_WIDTH: usize = 26;

pub fn line<'a>(t: &Theme, label: &str, value: impl Into<String>) -> Line<'a> {
    styled(t, label, value, t.text())
}

pub fn styled<'a>(t: &Theme, label: &str, value: impl Into<String>, style: Style) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL_WIDTH$}"), t.label()),
        Span::styled(crate::sanitize::owned(value.into()), style),
    ])
}

/// A value with a warning after it, e.g. "3  ⚠ failed attempts".
pub fn flagged<'a>(
    t: &Theme,
    label: &str,
    value: impl Into<String>,
    flag: Option<&str>,
) -> Line<'a> {
    with_flag(t, line(t, label, value), flag)
}

/// A field line with a warning after it, when there is one.
pub fn with_flag<'a>(t: &Theme, mut l: Line<'a>, flag: Option<&str>) -> Line<'a> {
    if let Some(f) = flag {
        l.spans.push(Span::styled(format!("  ⚠ {f}"), t.danger()));
    }
    l
}

/// Narrow label columns, for side panels at 80 columns.
pub const NARROW_WIDTH: usize = 15;

pub fn narrow<'a>(t: &Theme, label: &str, value: impl Into<String>) -> Line<'a> {
    narrow_styled(t, label, value, t.text())
}

pub fn narrow_styled<'a>(
    t: &Theme,
    label: &str,
    value: impl Into<String>,
    style: Style,
) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<NARROW_WIDTH$}"), t.label()),
        Span::styled(crate::sanitize::owned(value.into()), style),
    ])
}

pub fn narrow_flagged<'a>(
    t: &Theme,
    label: &str,
    value: impl Into<String>,
    flag: Option<&str>,
) -> Line<'a> {
    let mut l = narrow(t, label, value);
    if let Some(f) = flag {
        l.spans.push(Span::styled(format!("  ⚠ {f}"), t.danger()));
    }
    l
}
