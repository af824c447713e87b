//! The audit trail pane (`:audit`): the log's records, newest first, with a text filter and
//! the chain check.

use crate::app::state::{AuditView, Resource, State};
use crate::audit::Outcome;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, a: &AuditView) {
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
    let rows = a.visible();
    // At 80 columns the operator column gives way to the reason.
    let wide = list.width >= 110;
    let mut header = vec!["Time (UTC)", "Action", "Outcome", "CPR", "Reason"];
    let mut widths = vec![
        Constraint::Length(16),
        Constraint::Length(20),
        Constraint::Length(7),
        Constraint::Length(11),
        Constraint::Fill(1),
    ];
    if wide {
        header.push("By");
        widths.push(Constraint::Length(16));
    }
    table::draw(
        frame,
        list,
        t,
        Block::default().borders(Borders::ALL).title(format!(
            " Audit trail: {} records (newest first) ",
            rows.len()
        )),
        header,
        &widths,
        rows.len(),
        Window {
            offset: table::offset_for(a.selected, list),
            selected: Some(a.selected),
        },
        |i| {
            let r = rows[i];
            let style = match &r.outcome {
                Outcome::Intent => t.dim(),
                Outcome::Ok => t.ok(),
                Outcome::Error { .. } => t.danger(),
            };
            let mut cells = vec![
                Span::raw(r.time.get(..16).unwrap_or(&r.time).replace('T', " ")),
                Span::raw(r.event.action.clone()),
                Span::styled(r.outcome.label(), style),
                Span::raw(r.event.cpr_masked.clone().unwrap_or_default()),
                Span::raw(r.reason_shown().to_string()),
            ];
            if wide {
                cells.push(Span::raw(r.by().to_string()));
            }
            Row::new(cells)
        },
    );
}
