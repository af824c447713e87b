//! Tables that draw only their visible rows, so a 100,000-row list costs what one screen costs.

use crate::app::columns::{Column, Shown, Tone, Width};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

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

/// The style of a cell's tone.
pub fn tone(t: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Normal => t.text(),
        Tone::Ok => t.ok(),
        Tone::Warn => t.warn(),
        Tone::Danger => t.danger(),
        Tone::Dim => t.dim(),
    }
}

/// Tables at least this wide show ids whole.
const WIDE: u16 = 120;

fn constraint(w: Width, table_width: u16) -> Constraint {
    match w {
        Width::Id if table_width >= WIDE => Constraint::Length(36),
        Width::Id => Constraint::Length(8),
        Width::Fixed(n) => Constraint::Length(n),
        Width::Percent(p) => Constraint::Percentage(p),
        Width::Fill(n) => Constraint::Fill(n),
        Width::Max(n) => Constraint::Max(n),
    }
}

/// A table drawn through its feature's columns: the same headers, order and cell text as
/// `:export` and `backoffice get`. Columns that give way on a narrow table are left out;
/// `decorate` may mark a cell (row, column index, text) without changing what it says.
#[allow(clippy::too_many_arguments)]
pub fn draw_columns<'a, T, R: std::borrow::Borrow<T>>(
    frame: &mut Frame,
    area: Rect,
    t: &Theme,
    block: Block<'a>,
    columns: &[Column<T>],
    rows: &[R],
    window: Window,
    shown: &Shown,
    decorate: impl Fn(usize, usize, String) -> String,
) {
    let visible: Vec<(usize, &Column<T>)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.min_table_width <= area.width)
        .collect();
    let header: Vec<&str> = visible.iter().map(|(_, c)| c.header).collect();
    let widths: Vec<Constraint> = visible
        .iter()
        .map(|(_, c)| constraint(c.width, area.width))
        .collect();
    draw(
        frame,
        area,
        t,
        block,
        header,
        &widths,
        rows.len(),
        window,
        |i| {
            let r = rows[i].borrow();
            Row::new(visible.iter().map(|(j, c)| {
                let text = decorate(i, *j, c.text(r, shown));
                match c.tone {
                    Some(_) => Cell::from(text).style(tone(t, c.tone_of(r, shown))),
                    None => Cell::from(text),
                }
            }))
        },
    );
}

/// The rows a paged list draws (its matches, under a filter) and where its cursor is.
pub fn list_window<T>(l: &crate::app::paging::PagedList<T>) -> (Vec<&T>, Window) {
    let (rows, offset, selected) = l.on_screen();
    (rows, Window { offset, selected })
}

/// A list's title with what its filter keeps: " Users · filter "ida": 3 of 250 loaded ".
pub fn filtered_title<T>(title: String, l: &crate::app::paging::PagedList<T>) -> String {
    match &l.filter {
        Some(f) => format!(
            "{} · filter {:?}: {} of {} loaded ",
            title.trim_end(),
            crate::sanitize::line(f.text()),
            f.shown.len(),
            l.rows.len()
        ),
        None => title,
    }
}

/// While a list's filter has the keys, the footer is its field.
pub fn filter_footer<'a, T>(
    t: &crate::ui::theme::Theme,
    l: &crate::app::paging::PagedList<T>,
) -> Option<ratatui::text::Line<'a>> {
    use ratatui::text::{Line, Span};
    let f = l.filter.as_ref().filter(|f| f.typing)?;
    Some(Line::from(vec![
        Span::styled("Filter: ", t.label()),
        Span::styled(format!("{}▏", crate::sanitize::line(f.text())), t.text()),
        Span::styled("  Enter keeps it · Esc drops it", t.dim()),
    ]))
}
