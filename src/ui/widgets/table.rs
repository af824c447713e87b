//! Tables that draw only their visible rows, so a 100,000-row list costs what one screen costs.

use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

pub struct Window {
    pub offset: usize,
    pub selected: Option<usize>,
}

/// Draws rows `offset..offset+height` of `len`, building only those rows.
#[allow(clippy::too_many_arguments)]
pub fn draw<'a>(
    frame: &mut Frame,
    area: Rect,
    t: &Theme,
    block: Block<'a>,
    header: Vec<&'a str>,
    widths: &[Constraint],
    len: usize,
    window: Window,
    row: impl Fn(usize) -> Row<'a>,
) {
    let inner_rows = usize::from(area.height.saturating_sub(3));
    let start = window.offset.min(len);
    let end = (start + inner_rows).min(len);
    let rows: Vec<Row> = (start..end)
        .map(|i| {
            let r = row(i);
            if window.selected == Some(i) {
                r.style(t.selected())
            } else {
                r
            }
        })
        .collect();
    let table = Table::new(rows, widths.to_vec())
        .header(Row::new(header).style(t.title()))
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
}

/// The offset that keeps `selected` on screen for small, fully loaded tables.
pub fn offset_for(selected: usize, area: Rect) -> usize {
    let rows = usize::from(area.height.saturating_sub(3)).max(1);
    selected.saturating_sub(rows - 1)
}

/// A bordered message box (empty states, errors).
pub fn message<'a>(frame: &mut Frame, area: Rect, title: &'a str, lines: Vec<Line<'a>>) {
    let p = Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL).title(title))
        .wrap(Wrap { trim: false });
    frame.render_widget(p, area);
}
