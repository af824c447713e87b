//! The `?` help overlay and the `:` command palette, both driven by the action registry.

use crate::app::palette;
use crate::app::registry::{self, Key, Scope};
use crate::app::state::{Confirm, Overlay, State, ViewKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, state: &State) {
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => help(frame, state),
        Overlay::Palette { input, selected } => palette(frame, state, input, *selected),
        Overlay::Confirm(c) => confirm(frame, state, c),
        Overlay::Reveal { reason, error } => reveal(frame, state, reason, error.as_deref()),
        Overlay::Form(f) => form(frame, state, f),
    }
}

fn form(frame: &mut Frame, state: &State, f: &crate::app::form::Form) {
    use crate::app::form::Stage;
    let t = &state.theme;
    let mut lines = Vec::new();
    let mut cursor = None;
    for (i, field) in f.fields.iter().enumerate() {
        let label = format!("{}{}", field.label, if field.required { " *" } else { "" });
        let focused = i == f.focus && f.stage == Stage::Editing;
        let marker = if focused { "▸ " } else { "  " };
        if focused {
            cursor = Some((
                lines.len() as u16,
                (2 + 14 + field.input.visual_cursor()) as u16,
            ));
        }
        lines.push(Line::from(vec![
            Span::raw(marker),
            Span::styled(format!("{label:<14}"), t.label()),
            Span::raw(field.input.value().to_string()),
        ]));
        if let Some(e) = &field.error {
            lines.push(Line::from(Span::styled(
                format!("                {} {e}", field.label),
                t.danger(),
            )));
        }
    }
    if let Some(e) = &f.error {
        lines.push(Line::from(Span::styled(e.clone(), t.danger())));
    }
    lines.push(Line::default());
    lines.push(match (f.stage, f.sending.is_some()) {
        (_, true) => Line::from(Span::styled("Sending…", t.warn())),
        (Stage::Editing, _) => Line::from(Span::styled(
            "Tab/Shift-Tab move · Enter reviews · Esc closes",
            t.dim(),
        )),
        (Stage::Confirming, _) => Line::from(vec![
            Span::styled("Create this employee? ", t.title()),
            Span::styled("Enter", t.key()),
            Span::raw(" creates (audited) · "),
            Span::styled("Esc", t.key()),
            Span::raw(" edits"),
        ]),
        (Stage::DiscardAsked, _) => Line::from(vec![
            Span::styled("Discard what you typed? ", t.warn()),
            Span::styled("y", t.key()),
            Span::raw(" discards · any other key keeps editing"),
        ]),
    });
    let inner = dialog(frame, &format!(" {} ", f.title), lines);
    if let Some((row, col)) = cursor {
        frame.set_cursor_position((inner.x + col, inner.y + row));
    }
}

/// Who and what a dialog is about: the document under review.
fn subject(state: &State) -> Option<(String, String, String)> {
    match &state.top().kind {
        ViewKind::Document(d) => Some((
            match d
                .current()
                .and_then(|c| c.type_name(&state.profile.language))
            {
                Some(t) => format!("{} ({t})", d.item.kind.label()),
                None => d.item.kind.label().to_string(),
            },
            d.item.person.full_name(),
            d.item
                .cpr
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "no CPR".into()),
        )),
        ViewKind::Person(p) => Some((
            String::new(),
            p.title.clone(),
            p.person
                .loaded()
                .and_then(|x| x.legal_entity.as_ref()?.ssn.as_ref().map(|s| s.to_string()))
                .unwrap_or_default(),
        )),
        _ => None,
    }
}

fn dialog(frame: &mut Frame, title: &str, lines: Vec<Line>) -> Rect {
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 76, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title.to_string());
    let inner = block.inner(area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
    inner
}

fn confirm(frame: &mut Frame, state: &State, c: &Confirm) {
    let t = &state.theme;
    let Some((what, who, cpr)) = subject(state) else {
        return;
    };
    let backend = state.profile.backend;
    let mut lines = Vec::new();
    if !c.reject {
        lines.push(Line::from(format!(
            "Approve the {what} of {who}, CPR {cpr}?"
        )));
        lines.push(Line::from(format!(
            "{backend} will mark it APPROVED. The decision is written to the audit log"
        )));
        lines.push(Line::from("before it is sent, and its outcome after."));
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled("Enter", t.key()),
            Span::raw(" approves · "),
            Span::styled("Esc", t.key()),
            Span::raw(" cancels"),
        ]));
        dialog(frame, " Approve this document? ", lines);
        return;
    }
    lines.push(Line::from(format!(
        "Reject the {what} of {who}, CPR {cpr}?"
    )));
    lines.push(Line::from(format!(
        "{backend} will mark it REJECTED, with this reason:"
    )));
    lines.push(Line::from(Span::styled(
        "(↑↓ choose a reason; type to add details)",
        t.dim(),
    )));
    let reasons = &state.profile.reject_reasons;
    for (i, r) in reasons
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("Other: type it below"))
        .enumerate()
    {
        let marker = if i == c.reason { "▸ " } else { "  " };
        let line = Line::from(format!("{marker}{r}"));
        lines.push(if i == c.reason {
            line.style(t.selected())
        } else {
            line
        });
    }
    lines.push(Line::from(vec![
        Span::styled("Details: ", t.label()),
        Span::raw(c.detail.value().to_string()),
    ]));
    if let Some(e) = &c.error {
        lines.push(Line::from(Span::styled(e.clone(), t.danger())));
    }
    lines.push(Line::from(vec![
        Span::styled("Enter", t.key()),
        Span::raw(" rejects · "),
        Span::styled("Esc", t.key()),
        Span::raw(" cancels"),
    ]));
    let details_row = 3 + reasons.len() as u16 + 1;
    let inner = dialog(frame, " Reject this document? ", lines);
    frame.set_cursor_position((
        inner.x + 9 + c.detail.visual_cursor() as u16,
        inner.y + details_row,
    ));
}

fn reveal(frame: &mut Frame, state: &State, reason: &tui_input::Input, error: Option<&str>) {
    let t = &state.theme;
    let who = subject(state).map(|s| s.1).unwrap_or_default();
    let mut lines = vec![
        Line::from(format!("Reveal the full CPR number of {who}?")),
        Line::from("Why do you need it? Your reason is written to the audit log."),
        Line::from(vec![
            Span::styled("Reason: ", t.label()),
            Span::raw(reason.value().to_string()),
        ]),
    ];
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(e.to_string(), t.danger())));
    }
    lines.push(Line::from(vec![
        Span::styled("Enter", t.key()),
        Span::raw(" reveals until you leave this screen · "),
        Span::styled("Esc", t.key()),
        Span::raw(" cancels"),
    ]));
    let inner = dialog(frame, " Reveal CPR ", lines);
    frame.set_cursor_position((inner.x + 8 + reason.visual_cursor() as u16, inner.y + 2));
}

/// The idle lock: the profile and how to unlock, nothing else.
pub fn lock_screen(frame: &mut Frame, state: &State) {
    let t = &state.theme;
    let mins = state.profile.idle_lock.as_secs() / 60;
    let lines = vec![
        Line::from(Span::styled(
            format!("backoffice · profile {}", state.profile.name),
            t.title(),
        )),
        Line::default(),
        Line::from(format!("Locked after {mins} minutes without input.")),
        Line::from("Nothing is shown while locked; unfinished work is kept."),
        Line::default(),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled("Enter", t.key()),
            Span::raw(" to unlock."),
        ]),
    ];
    let area = centered(frame.area(), 60, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Locked ")),
        area,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn keys(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join(", ")
}

fn help(frame: &mut Frame, state: &State) {
    let t = &state.theme;
    let ctx = state.top().context();
    let mut lines = Vec::new();
    for (heading, here) in [("This screen", true), ("Everywhere", false)] {
        lines.push(Line::from(Span::styled(heading, t.title())));
        for s in registry::available(ctx).filter(|s| (s.scope != Scope::Everywhere) == here) {
            let mut k = keys(s.keys);
            if ctx.typing {
                // Printable keys type into the field while it has focus.
                k = s
                    .keys
                    .iter()
                    .filter(|k| !k.types_text())
                    .map(Key::label)
                    .collect::<Vec<_>>()
                    .join(", ");
                if k.is_empty() {
                    k = format!(":{}", s.name);
                }
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {k:<20}"), t.key()),
                Span::raw(s.description),
            ]));
        }
    }
    if ctx.typing {
        lines.push(Line::from(Span::styled(
            "While typing, letters go into the field; Esc or Tab leaves it.",
            t.dim(),
        )));
    }
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), 72, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys (Esc closes) ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn palette(frame: &mut Frame, state: &State, input: &tui_input::Input, selected: usize) {
    let t = &state.theme;
    let ctx = state.top().context();
    let matches = palette::matches(input.value(), ctx);
    let area = centered(frame.area(), 64, (matches.len() as u16 + 4).clamp(5, 16));
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Command (Enter runs, Esc closes) ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [prompt, list] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(Paragraph::new(format!(":{}", input.value())), prompt);
    frame.set_cursor_position((prompt.x + 1 + input.visual_cursor() as u16, prompt.y));
    let rows = usize::from(list.height);
    let start = selected.saturating_sub(rows.saturating_sub(1));
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, s)| {
            let line = Line::from(vec![
                Span::styled(format!("{:<14}", s.name), t.key()),
                Span::raw(format!("{:<36}", s.description)),
                Span::styled(keys(s.keys), t.dim()),
            ]);
            if i == selected {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::from(Span::styled("no command matches", t.dim()))]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(lines), list);
}
