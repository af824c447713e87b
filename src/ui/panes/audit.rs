//! The audit trail pane (`:audit`): the log's records, newest first, with a text filter and
//! the chain check.

use crate::app::features::audit::{self, AuditView};
use crate::app::state::Resource;
use crate::ui::Screen;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, a: &AuditView) {
    let t = &state.theme;
    let [status, filter, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let check = match &a.verified {
        None => Span::styled("checking the chain…", t.warn()),
        Some(Ok(n)) => Span::styled(format!("chain intact: {n} records verified"), t.ok()),
        Some(Err(e)) => Span::styled(format!("CHAIN BROKEN: {e}"), t.danger()),
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::raw(" "), check])),
        status,
    );
    let filter_line = Line::from(vec![
        Span::styled(" Filter: ", t.label()),
        Span::raw(a.filter.value().to_string()),
        Span::styled(
            if a.filtering {
                "  (Enter keeps it)"
            } else {
                "  (f to filter)"
            },
            t.dim(),
        ),
    ]);
    frame.render_widget(Paragraph::new(filter_line), filter);
    if a.filtering {
        frame.set_cursor_position((filter.x + 9 + a.filter.visual_cursor() as u16, filter.y));
    }
    match &a.records {
        Resource::Loaded(_) => {}
        Resource::Failed(e) => {
            return table::message(
                frame,
                list,
                " Audit trail ",
                vec![Line::from(Span::styled(e.clone(), t.danger()))],
            );
        }
        _ => {
            return table::message(
                frame,
                list,
                " Audit trail ",
                vec![Line::from("Reading the audit log…")],
            );
        }
    }
    // Borrowed, not copied: the filter's matches are drawn as they are.
    let rows = a.visible();
    table::draw_columns(
        frame,
        list,
        t,
        Block::default().borders(Borders::ALL).title(format!(
            " Audit trail: {} records (newest first) ",
            rows.len()
        )),
        audit::COLUMNS,
        &rows,
        Window {
            offset: table::offset_for(a.selected, list),
            selected: Some(a.selected),
        },
        &state.shown(),
        |_, _, text| text,
    );
}
