//! The audit trail pane (`:audit`): the log's records, newest first, with a text filter and
//! the chain check.

use crate::app::features::audit::{self, AuditView};
use crate::app::registry::Command;
use crate::app::state::Resource;
use crate::ui::Screen;
use crate::ui::widgets::table::{self, Window};
use crate::ui::widgets::{field, hints};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Marks the records another profile wrote: the log may be shared by several.
const OTHER_PROFILE: &str = "◆ ";

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, a: &AuditView) {
    let t = &state.theme;
    if let Some(r) = &a.opened {
        return draw_record(frame, area, state, r);
    }
    let [status, filter, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(area);
    let check = match &a.verified {
        None => Span::styled("checking the chain…", t.warn()),
        Some(Ok(n)) => Span::styled(
            format!(
                "chain intact: {} verified",
                crate::format::counted(*n, "record")
            ),
            t.ok(),
        ),
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
    let here = state.profile.name.as_str();
    let others = rows.iter().any(|r| r.profile != here);
    let action = audit::COLUMNS
        .iter()
        .position(|c| c.header == "Action")
        .unwrap_or(usize::MAX);
    table::draw_columns(
        frame,
        list,
        t,
        Block::default().borders(Borders::ALL).title(format!(
            " Audit trail: {} (newest first){} ",
            crate::format::counted(rows.len(), "record"),
            if others {
                format!(" · {OTHER_PROFILE}= another profile")
            } else {
                String::new()
            }
        )),
        audit::COLUMNS,
        &rows,
        Window {
            offset: table::offset_for(a.selected, list),
            selected: Some(a.selected),
        },
        &state.shown(),
        |i, column, text| match rows.get(i) {
            Some(r) if column == action && r.profile != here => format!("{OTHER_PROFILE}{text}"),
            _ => text,
        },
    );
}

/// Enter on a record: every field, the reason and error in full (wrapped).
fn draw_record(frame: &mut Frame, area: Rect, state: &Screen<'_>, r: &crate::audit::Record) {
    let t = &state.theme;
    let mut lines: Vec<Line> = audit::record_fields(r)
        .into_iter()
        .map(|(label, value)| field::line(t, label, value))
        .collect();
    lines.push(Line::default());
    lines.push(hints::line(
        state,
        &[Command::Copy, Command::Export, Command::Back],
    ));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Audit record "),
        ),
        area,
    );
}
