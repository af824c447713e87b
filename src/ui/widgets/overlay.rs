//! The `?` help overlay and the `:` command palette, both driven by the action registry.

use crate::app::features::ViewKind;
use crate::app::palette;
use crate::app::registry::{self, Key, Scope};
use crate::app::state::{Confirm, ImportRun, ImportStage, Overlay, Prompt, PromptKind};
use crate::ui::Screen;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub fn draw(frame: &mut Frame, state: &Screen<'_>) {
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help => help(frame, state),
        Overlay::Palette { input, selected } => palette(frame, state, input, *selected),
        Overlay::Confirm(c) => confirm(frame, state, c),
        Overlay::Reveal { reason, error } => reveal(frame, state, reason, error.as_deref()),
        Overlay::Form(f) => form(frame, state, f),
        Overlay::Prompt(p) => prompt(frame, state, p),
        Overlay::Import(run) => import(frame, state, run),
        Overlay::Ask(ask) => ask_line(frame, state, ask),
    }
    if let Some(p) = &state.login {
        prompt(frame, state, p);
    }
}

/// Shown for a typed password, whatever its length.
const SECRET_TYPED: &str = "••••••••";

fn prompt(frame: &mut Frame, state: &Screen<'_>, p: &Prompt) {
    let t = &state.theme;
    let (title, ask, label, secret) = match &p.kind {
        PromptKind::FindExternalId => (
            " Find by external id (Healthmov) ".to_string(),
            "A company, department or employee, by the id your own systems gave it.".to_string(),
            "External id: ",
            false,
        ),
        PromptKind::ImportFile { into, .. } => (
            " Import employees from CSV ".to_string(),
            format!("Into {into}. The file is checked first; nothing is sent until you confirm."),
            "File: ",
            false,
        ),
        PromptKind::ProductionGate { .. } => (
            " Production ".to_string(),
            format!(
                "Profile {} is production: changes are real. Type its name to allow changes in this session.",
                state.profile.name
            ),
            "Profile: ",
            false,
        ),
        PromptKind::Login {
            username, refused, ..
        } => (
            " Log in to Healthmov ".to_string(),
            match refused {
                true => format!("Healthmov refused the session. Password for {username}:"),
                false => format!("Healthmov needs you to log in. Password for {username}:"),
            },
            "Password: ",
            true,
        ),
    };
    // A password is never drawn, not even masked to its length: a fixed marker says that
    // something has been typed.
    let shown = match secret {
        true if p.input.value().is_empty() => String::new(),
        true => SECRET_TYPED.to_string(),
        false => p.input.value().to_string(),
    };
    let mut lines = vec![
        Line::from(ask),
        Line::from(vec![
            Span::styled(label, t.label()),
            Span::raw(shown.clone()),
        ]),
    ];
    if let Some(e) = &p.error {
        lines.push(Line::from(Span::styled(e.clone(), t.danger())));
    }
    lines.push(match p.sending {
        Some(_) => Line::from(Span::styled("Working…", t.warn())),
        None => Line::from(vec![
            Span::styled("Enter", t.key()),
            Span::raw(" goes · "),
            Span::styled("Esc", t.key()),
            Span::raw(" cancels"),
        ]),
    });
    let inner = dialog(frame, &title, lines);
    let col = if secret {
        shown.chars().count() as u16
    } else {
        p.input.visual_cursor() as u16
    };
    frame.set_cursor_position((inner.x + label.len() as u16 + col, inner.y + 1));
}

fn import(frame: &mut Frame, state: &Screen<'_>, run: &ImportRun) {
    let t = &state.theme;
    let file = run.path.display().to_string();
    let mut lines = vec![Line::from(vec![
        Span::styled("File: ", t.label()),
        Span::raw(file),
    ])];
    lines.push(Line::from(vec![
        Span::styled("Into: ", t.label()),
        Span::raw(run.into.clone()),
    ]));
    let bad_lines = |bad: Vec<(u64, String)>, lines: &mut Vec<Line>| {
        for (line, why) in bad.iter().take(5) {
            lines.push(Line::from(Span::styled(
                format!("  line {line}: {why}"),
                t.danger(),
            )));
        }
        if bad.len() > 5 {
            lines.push(Line::from(format!("  … and {} more", bad.len() - 5)));
        }
    };
    match &run.stage {
        ImportStage::Checking(_) => {
            lines.push(Line::from(Span::styled("Checking every row…", t.warn())))
        }
        ImportStage::Ready(c) => {
            let n = c.valid;
            lines.push(Line::from(format!(
                "{n} row{} valid, {} rejected. Nothing sent yet.",
                if n == 1 { "" } else { "s" },
                c.rejected.len()
            )));
            bad_lines(
                c.rejected
                    .iter()
                    .map(|r| (r.line, r.reasons.join("; ")))
                    .collect(),
                &mut lines,
            );
            lines.push(Line::from(vec![
                Span::styled("Enter", t.key()),
                Span::raw(" imports the valid rows (audited) · "),
                Span::styled("Esc", t.key()),
                Span::raw(" cancels"),
            ]));
        }
        ImportStage::Running {
            progress, stopping, ..
        } => {
            lines.push(Line::from(match progress {
                Some(p) => p.bar(30),
                None => "Starting…".into(),
            }));
            lines.push(Line::from(Span::styled(
                if *stopping {
                    "Stopping after the rows in flight…"
                } else {
                    "Esc or Ctrl-c stops after the rows in flight; run it again for the rest."
                },
                t.dim(),
            )));
        }
        ImportStage::Done(r) => {
            lines.push(Line::from(Span::styled(
                r.summary(&run.path),
                if r.bad.is_empty() { t.ok() } else { t.warn() },
            )));
            bad_lines(r.bad.clone(), &mut lines);
            lines.push(Line::from(Span::styled("Enter or Esc closes", t.dim())));
        }
        ImportStage::Failed(e) => {
            lines.push(Line::from(Span::styled(e.clone(), t.danger())));
            lines.push(Line::from(Span::styled("Enter or Esc closes", t.dim())));
        }
    }
    dialog(frame, " Import employees (Healthmov) ", lines);
}

fn form(frame: &mut Frame, state: &Screen<'_>, f: &crate::app::form::Form) {
    use crate::app::form::Stage;
    let t = &state.theme;
    // One group of lines per field: the field, then its error, wrapped here so that the
    // scrolling below counts the rows it takes. Room for the label, " *" and a space.
    let width = usize::from(frame.area().width.min(76).saturating_sub(2)).max(20);
    let label_width = f
        .fields
        .iter()
        .map(|x| x.label.chars().count() + 3)
        .max()
        .unwrap_or(14)
        .max(14);
    let groups: Vec<Vec<Line>> = f
        .fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let label = format!("{}{}", field.label, if field.required { " *" } else { "" });
            let focused = i == f.focus && f.stage == Stage::Editing;
            let marker = if focused { "▸ " } else { "  " };
            let mut value = vec![Span::raw(field.input.value().to_string())];
            if f.stage == Stage::Confirming && field.changed() {
                value.push(Span::styled(
                    format!(
                        "  (was {})",
                        match field.original.as_deref() {
                            Some("") | None => "empty",
                            Some(o) => o,
                        }
                    ),
                    t.warn(),
                ));
            }
            let mut lines = vec![Line::from(
                [
                    vec![
                        Span::raw(marker),
                        Span::styled(format!("{label:<label_width$}"), t.label()),
                    ],
                    value,
                ]
                .concat(),
            )];
            if let Some(e) = &field.error {
                let indent = label_width + 2;
                let text = format!("{} {e}", field.label);
                for row in wrap_words(&text, width.saturating_sub(indent).max(10)) {
                    lines.push(Line::from(Span::styled(
                        format!("{:indent$}{row}", ""),
                        t.danger(),
                    )));
                }
            }
            lines
        })
        .collect();
    let mut tail = Vec::new();
    if let Some(e) = &f.error {
        tail.push(Line::from(Span::styled(e.clone(), t.danger())));
    }
    let question_only = f.fields.is_empty();
    let unchanged = f.stage == Stage::Confirming
        && f.fields.iter().any(|x| x.original.is_some())
        && f.changes().next().is_none();
    if !question_only {
        tail.push(Line::default());
    }
    tail.push(match (f.stage, f.sending.is_some()) {
        (_, true) => Line::from(Span::styled("Sending…", t.warn())),
        (Stage::Editing, _) => Line::from(Span::styled(
            "Tab/Shift-Tab move · Enter reviews · Esc closes",
            t.dim(),
        )),
        (Stage::Confirming, _) => Line::from(vec![
            Span::styled(
                format!(
                    "{}{} ",
                    if unchanged { "Nothing changed. " } else { "" },
                    f.question
                ),
                t.title(),
            ),
            Span::styled("Enter", t.key()),
            Span::raw(if f.proposes {
                " proposes it (four-eyes: another officer sends it) · "
            } else {
                " sends (audited) · "
            }),
            Span::styled("Esc", t.key()),
            Span::raw(if question_only { " cancels" } else { " edits" }),
        ]),
        (Stage::DiscardAsked, _) => Line::from(vec![
            Span::styled("Discard what you typed? ", t.warn()),
            Span::styled("y", t.key()),
            Span::raw(" discards · any other key keeps editing"),
        ]),
    });
    // Above the fields: the subject on one line (a name from a backend may be 10,000
    // characters long), the warning wrapped here so its height is known.
    let mut head: Vec<Line> = Vec::new();
    if let Some(s) = &f.subject {
        head.push(Line::from(Span::styled(
            super::header::keep_head(s, width),
            t.title(),
        )));
    }
    if let Some(w) = &f.warning {
        // At most four rows, each within the width: a warning may quote a backend's names.
        head.extend(wrap_words(w, width).into_iter().take(4).map(|row| {
            Line::from(Span::styled(
                super::header::keep_head(&row, width),
                t.danger(),
            ))
        }));
    }
    // Tall forms scroll: the fields around the focus that fit above the footer.
    let room =
        usize::from(frame.area().height.saturating_sub(2)).saturating_sub(tail.len() + head.len());
    let (mut first, mut last) = (f.focus, f.focus);
    let mut used = groups.get(f.focus).map_or(0, Vec::len);
    loop {
        let down = groups.get(last + 1).map(Vec::len);
        let up = first.checked_sub(1).map(|i| groups[i].len());
        match (down, up) {
            (Some(n), _) if used + n <= room => {
                last += 1;
                used += n;
            }
            (_, Some(n)) if used + n <= room => {
                first -= 1;
                used += n;
            }
            _ => break,
        }
    }
    let mut lines = head;
    let mut cursor = None;
    for (i, g) in groups
        .into_iter()
        .enumerate()
        .skip(first)
        .take(last + 1 - first)
    {
        if i == f.focus && f.stage == Stage::Editing {
            let col = 2 + label_width + f.fields[i].input.visual_cursor();
            cursor = Some((lines.len() as u16, col as u16));
        }
        lines.extend(g);
    }
    lines.extend(tail);
    let more = match (first > 0, last + 1 < f.fields.len()) {
        (true, true) => " ↑↓ more",
        (true, false) => " ↑ more",
        (false, true) => " ↓ more",
        (false, false) => "",
    };
    let inner = dialog(frame, &format!(" {}{more} ", f.title), lines);
    if let Some((row, col)) = cursor {
        frame.set_cursor_position((inner.x + col, inner.y + row));
    }
}

/// Splits at spaces into rows of at most `width` characters (a longer word gets its own row).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match rows.last_mut() {
            Some(row) if row.chars().count() + 1 + word.chars().count() <= width => {
                row.push(' ');
                row.push_str(word);
            }
            _ => rows.push(word.to_string()),
        }
    }
    rows
}

/// Who and what a dialog is about: the document under review.
fn subject(state: &Screen<'_>) -> Option<(String, String, String)> {
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
                .and_then(|x| x.masked_ssn())
                .unwrap_or_default(),
        )),
        _ => None,
    }
}

fn dialog(frame: &mut Frame, title: &str, lines: Vec<Line>) -> Rect {
    // Long lines wrap: count the rows they take, so the last ones are not cut off.
    let inner_width = usize::from(frame.area().width.min(76).saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_width).max(1))
        .sum();
    let height = rows as u16 + 2;
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

fn confirm(frame: &mut Frame, state: &Screen<'_>, c: &Confirm) {
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

/// A line of text for a team action.
fn ask_line(frame: &mut Frame, state: &Screen<'_>, ask: &crate::app::ask::Ask) {
    let t = &state.theme;
    let question = Line::from(crate::sanitize::line(&ask.question).into_owned());
    let question_width = question.width();
    // The text scrolls sideways in one row, the cursor kept in view: a long note neither
    // wraps nor grows the dialog off the screen.
    let inner_width = usize::from(frame.area().width.min(76).saturating_sub(2)).max(1);
    let label_width = ask.label.chars().count();
    let room = inner_width.saturating_sub(label_width + 1).max(1);
    let scroll = ask.input.visual_scroll(room);
    let mut lines = vec![
        question,
        Line::from(vec![
            Span::styled(ask.label, t.label()),
            Span::raw(columns(ask.input.value(), scroll, room).to_string()),
        ]),
    ];
    if let Some(e) = &ask.error {
        lines.push(Line::from(Span::styled(e.clone(), t.danger())));
    }
    lines.push(Line::from(vec![
        Span::styled("Enter", t.key()),
        Span::raw(format!(" {} · ", ask.enter_does)),
        Span::styled("Esc", t.key()),
        Span::raw(" cancels"),
    ]));
    let title = format!(" {} ", crate::sanitize::line(&ask.title));
    let inner = dialog(frame, &title, lines);
    let x = (label_width + ask.input.visual_cursor().saturating_sub(scroll)) as u16;
    let question_rows = question_width
        .div_ceil(usize::from(inner.width.max(1)))
        .max(1) as u16;
    frame.set_cursor_position((inner.x + x, inner.y + question_rows));
}

/// The part of `text` from screen column `from`, at most `width` columns wide.
fn columns(text: &str, from: usize, width: usize) -> &str {
    let (mut col, mut start, mut end) = (0, None, text.len());
    for (i, c) in text.char_indices() {
        if start.is_none() && col >= from {
            start = Some((i, col));
        }
        let mut buf = [0; 4];
        let w = Span::raw(&*c.encode_utf8(&mut buf)).width();
        if let Some((_, at)) = start
            && col + w - at > width
        {
            end = i;
            break;
        }
        col += w;
    }
    match start {
        Some((i, _)) => &text[i..end],
        None => "",
    }
}

fn reveal(frame: &mut Frame, state: &Screen<'_>, reason: &tui_input::Input, error: Option<&str>) {
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
pub fn lock_screen(frame: &mut Frame, state: &Screen<'_>) {
    let t = &state.theme;
    let mut lines = vec![
        Line::from(Span::styled(
            format!("backoffice · profile {}", state.profile.name),
            t.title(),
        )),
        Line::default(),
        Line::from(format!(
            "Locked after {} without input.",
            crate::format::duration_words(state.profile.idle_lock.as_secs())
        )),
        Line::from("Nothing is shown while locked; unfinished work is kept."),
        Line::default(),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled("Enter", t.key()),
            Span::raw(match state.profile.unlock {
                crate::app::state::Unlock::Command(_) => " to re-authenticate (unlock_cmd).",
                _ => " to unlock.",
            }),
        ]),
    ];
    if let Some(why) = &state.unlock_failed {
        lines.push(Line::from(Span::styled(
            format!("Still locked: {}", crate::sanitize::line(why)),
            t.danger(),
        )));
    }
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

fn help(frame: &mut Frame, state: &Screen<'_>) {
    let t = &state.theme;
    let ctx = state.context();
    let width = frame.area().width.min(78);
    let inner = usize::from(width.saturating_sub(2));
    let mut sections = Vec::new();
    for (heading, here) in [("This screen", true), ("Everywhere", false)] {
        let mut rows = Vec::new();
        for s in registry::available(ctx).filter(|s| (s.scope != Scope::Everywhere) == here) {
            let bound = state.keymap.keys(s);
            let mut k = keys(bound);
            if ctx.typing {
                // Printable keys type into the field while it has focus.
                k = bound
                    .iter()
                    .filter(|k| !k.types_text())
                    .map(Key::label)
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            if k.is_empty() {
                k = format!(":{}", s.name);
            }
            rows.push((k, s.description));
        }
        sections.push((heading, rows));
    }
    // The key column as wide as its widest key (up to 20), the description wrapped under
    // itself: nothing is cut at 80 columns.
    let key_w = sections
        .iter()
        .flat_map(|(_, rows)| rows.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0)
        .min(20);
    let desc_w = inner.saturating_sub(key_w + 4).max(20);
    let mut lines = Vec::new();
    for (heading, rows) in sections {
        lines.push(Line::from(Span::styled(heading, t.title())));
        for (k, description) in rows {
            for (i, part) in super::wrap::words(description, desc_w)
                .into_iter()
                .enumerate()
            {
                let key = if i == 0 { k.as_str() } else { "" };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key:<key_w$}  "), t.key()),
                    Span::raw(part),
                ]));
            }
        }
    }
    if ctx.typing {
        lines.push(Line::from(Span::styled(
            "While typing, letters go into the field; Esc or Tab leaves it.",
            t.dim(),
        )));
    }
    if lines.len() + 2 > usize::from(frame.area().height) {
        compact_everywhere(&mut lines, state);
    }
    let height = lines.len() as u16 + 2;
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Keys (Esc closes) ");
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// On a short terminal the keys that work everywhere are listed run together, so every key
/// still shows.
fn compact_everywhere(lines: &mut Vec<Line<'static>>, state: &Screen<'_>) {
    let t = &state.theme;
    let ctx = state.context();
    let Some(at) = lines
        .iter()
        .position(|l| l.spans.first().is_some_and(|s| s.content == "Everywhere"))
    else {
        return;
    };
    lines.truncate(at + 1);
    let mut row: Vec<Span> = Vec::new();
    let mut width = 0;
    for s in registry::available(ctx).filter(|s| s.scope == Scope::Everywhere) {
        let key = state
            .keymap
            .keys(s)
            .iter()
            .find(|k| !(ctx.typing && k.types_text()))
            .map(Key::label)
            .unwrap_or_else(|| format!(":{}", s.name));
        let item = format!("{key} {}", s.name);
        if width + item.len() + 3 > 68 && !row.is_empty() {
            lines.push(Line::from(std::mem::take(&mut row)));
            width = 0;
        }
        row.push(Span::styled(format!("  {key}"), t.key()));
        row.push(Span::raw(format!(" {}", s.name)));
        width += item.len() + 2;
    }
    if !row.is_empty() {
        lines.push(Line::from(row));
    }
}

fn palette(frame: &mut Frame, state: &Screen<'_>, input: &tui_input::Input, selected: usize) {
    let t = &state.theme;
    let ctx = state.context();
    let matches = palette::matches(input.value(), ctx);
    let area = centered(frame.area(), 76, (matches.len() as u16 + 4).clamp(5, 16));
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
    let shown: Vec<_> = matches.iter().enumerate().skip(start).take(rows).collect();
    // Three columns, two spaces between them: the name and the keys whole, the description
    // cut with "…" to what is left, so a long description never runs into the keys.
    let keys_of: Vec<String> = shown
        .iter()
        .map(|(_, s)| keys(state.keymap.keys(s)))
        .collect();
    let name_w = shown
        .iter()
        .map(|(_, s)| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let keys_w = keys_of.iter().map(|k| k.chars().count()).max().unwrap_or(0);
    let desc_w = usize::from(list.width).saturating_sub(name_w + keys_w + 4);
    let lines: Vec<Line> = shown
        .iter()
        .zip(&keys_of)
        .map(|((i, s), k)| {
            let line = Line::from(vec![
                Span::styled(format!("{:<name_w$}  ", s.name), t.key()),
                Span::raw(format!(
                    "{:<desc_w$}  ",
                    crate::ui::widgets::header::keep_head(s.description, desc_w)
                )),
                Span::styled(k.clone(), t.dim()),
            ]);
            if *i == selected {
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

#[cfg(test)]
mod tests {
    use crate::app::test_support::{key, state};
    use crossterm::event::KeyCode;

    fn screen(s: &crate::app::state::State, w: u16, h: u16) -> Vec<String> {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        term.draw(|f| crate::ui::draw(f, s, &crate::ui::Look::default()))
            .unwrap();
        let buf = term.backend().buffer();
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect())
            .collect()
    }

    #[test]
    fn the_palette_keeps_a_gap_before_each_command_s_keys_at_80x24() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char(':'));
        let rows = screen(&s, 80, 24);
        // "back" has the longest description (it ran into its key); "search"'s was cut.
        for (name, keys) in [
            ("back", "  Esc"),
            ("search", "  /"),
            ("quit", "  q, Ctrl-c"),
        ] {
            let row = rows
                .iter()
                .find(|r| r.contains(&format!("│{name} ")))
                .unwrap_or_else(|| panic!("no row for {name}:\n{}", rows.join("\n")));
            assert!(row.contains(keys), "{name}: {row}");
        }
    }

    #[test]
    fn help_shows_every_description_of_this_screen_whole_at_80x24_and_60x20() {
        use crate::app::registry::{self, Scope};
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('v'));
        key(&mut s, KeyCode::Char('?'));
        let ctx = s.context();
        for (w, h) in [(80, 24), (60, 20)] {
            let rows = screen(&s, w, h);
            // The box's text, its lines run together as words.
            let words = rows
                .iter()
                .map(|r| r.trim_matches(|c: char| c == '│' || c.is_whitespace()))
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            for spec in registry::available(ctx).filter(|s| s.scope != Scope::Everywhere) {
                assert!(
                    words.contains(spec.description),
                    "{w}x{h}: {:?} cut:\n{}",
                    spec.description,
                    rows.join("\n")
                );
            }
        }
    }
}
