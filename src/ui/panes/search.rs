//! The search pane: one field for a CPR, a name, an email or an id; each backend's progress
//! (searching, slow, found, failed); and every hit with its source, the same person's
//! together.

use crate::app::features::search::{self, Outcome, SearchFocus, SearchView, SourceSearch};
use crate::app::registry::Command;
use crate::app::state::{Overlay, SLOW_AFTER};
use crate::search::sources::SCAN_CAP;
use crate::ui::Screen;
use crate::ui::widgets::hints;
use crate::ui::widgets::table::{self, Window};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, state: &Screen<'_>, s: &SearchView) {
    let t = &state.theme;
    let failures: Vec<&SourceSearch> = s
        .sources
        .iter()
        .filter(|x| matches!(x.outcome, Outcome::Failed { .. }))
        .collect();
    // A backend's failure is said whole (up to three lines): its request id is what the
    // officer quotes to support.
    let width = usize::from(area.width).max(10);
    let failure_lines: Vec<Line> = failures
        .iter()
        .flat_map(|x| match &x.outcome {
            Outcome::Failed { why, .. } => {
                crate::ui::widgets::wrap::at_most(&format!(" ✗ {why}"), width, 3)
            }
            _ => Vec::new(),
        })
        .map(|l| Line::from(Span::styled(l, t.danger())))
        .collect();
    let progress_rows = if s.sources.is_empty() {
        0
    } else {
        1 + failure_lines.len() as u16
    };
    let [field_area, progress_area, results_area] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(progress_rows),
        Constraint::Min(3),
    ])
    .areas(area);
    draw_field(frame, field_area, state, s);
    if progress_rows > 0 {
        let mut lines = vec![progress_line(state, s)];
        lines.extend(failure_lines);
        frame.render_widget(Paragraph::new(lines), progress_area);
    }
    draw_results(frame, results_area, state, s);
}

/// What the empty field shows; "e.g." says it is an example, not typed text.
const PLACEHOLDER: &str = "e.g. DDMMYY-SSSS, Ida Holm, ida@example.com, 2058";

fn draw_field(frame: &mut Frame, area: Rect, state: &Screen<'_>, s: &SearchView) {
    let t = &state.theme;
    let typing = s.focus == SearchFocus::Input;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Find a person in every backend: CPR, name, email or id ")
        .border_style(if typing { t.border_focused() } else { t.dim() });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let label = "Find: ";
    let value = if s.input.value().is_empty() {
        // Once submitted, a CPR is shown masked only.
        match (&s.submitted, typing) {
            (Some(q), _) => Span::styled(q.shown(), t.dim()),
            (None, true) => Span::styled(PLACEHOLDER, t.placeholder()),
            (None, false) => Span::raw(""),
        }
    } else {
        Span::raw(s.input.value().to_string())
    };
    let help = match &s.error {
        Some(e) => Line::from(Span::styled(format!("✗ {e}"), t.danger())),
        None if typing => {
            // Enter in the field is not a command: it submits what was typed.
            let mut keys =
                hints::text(state, &[Command::SwitchFocus, Command::Back, Command::Help]);
            keys.insert_str(0, "Enter searches · ");
            Line::from(Span::styled(keys, t.dim()))
        }
        None => hints::line(
            state,
            &[
                Command::Search,
                Command::Open,
                Command::Users,
                Command::Employees,
                Command::Help,
            ],
        ),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(vec![Span::styled(label, t.label()), value]),
            help,
        ]),
        inner,
    );
    if typing && matches!(state.overlay, Overlay::None) {
        let x = inner.x + label.len() as u16 + s.input.visual_cursor() as u16;
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
    }
}

fn secs(d: std::time::Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// `Unioo 1 · 40 ms  bunq searching…  Upvest ✗`: each backend asked, as it stands.
fn progress_line<'a>(state: &Screen<'_>, s: &SearchView) -> Line<'a> {
    let t = &state.theme;
    let mut spans = vec![Span::styled(" ", t.dim())];
    for x in &s.sources {
        let name = x.source.name();
        let (text, style) = match &x.outcome {
            Outcome::Pending => {
                let waited = state.now.saturating_duration_since(x.started);
                if waited >= SLOW_AFTER {
                    (format!("{name} slow, {}…", secs(waited)), t.warn())
                } else {
                    (format!("{name} searching…"), t.dim())
                }
            }
            Outcome::Found { hits, capped, took } => (
                format!(
                    "{name} {hits}{} · {}",
                    if *capped {
                        format!(" in the first {}", crate::ui::format::count(SCAN_CAP))
                    } else {
                        String::new()
                    },
                    secs(*took)
                ),
                if *hits > 0 { t.ok() } else { t.dim() },
            ),
            Outcome::Failed { took, .. } => {
                (format!("{name} failed · {}", secs(*took)), t.danger())
            }
            Outcome::Cancelled => (format!("{name} stopped"), t.dim()),
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw("  "));
    }
    Line::from(spans)
}

fn draw_results(frame: &mut Frame, area: Rect, state: &Screen<'_>, s: &SearchView) {
    let t = &state.theme;
    let typing = s.focus == SearchFocus::Input;
    let title = " Results ";
    let waiting = s.sources.iter().any(|x| x.outcome == Outcome::Pending);
    if s.results.is_empty() {
        let lines = match &s.submitted {
            None => vec![
                Line::from("Type a CPR number, a name, an email or an id and press Enter."),
                Line::from(Span::styled(
                    "Every backend that can search by it is asked at once; a CPR is checked first.",
                    t.dim(),
                )),
            ],
            Some(_) if waiting => vec![Line::from(Span::styled("Searching…", t.warn()))],
            Some(_) => {
                let summary = s.no_hits_summary().unwrap_or_default();
                let style = if s.all_answered() { t.text() } else { t.warn() };
                vec![Line::from(Span::styled(summary, style))]
            }
        };
        table::message(frame, area, title, lines);
        return;
    }
    // `merge` keeps one person's hits together, so each run of one group is one person.
    let people = s.results.chunk_by(|a, b| a.group == b.group).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(
            " Results: {} in {} {} (Enter opens){} ",
            s.results.len(),
            people,
            if people == 1 { "person" } else { "people" },
            if waiting { " · more coming" } else { "" }
        ))
        .border_style(if typing { t.dim() } else { t.border_focused() });
    table::draw_columns(
        frame,
        area,
        t,
        block,
        search::COLUMNS,
        &s.results,
        Window {
            offset: table::offset_for(s.selected, area),
            selected: (!typing).then_some(s.selected),
        },
        &state.shown(),
        // The same person's later hits are marked as belonging to the first.
        |i, column, text| {
            let same_as_above = i > 0 && s.results[i - 1].group == s.results[i].group;
            if column == 0 && same_as_above {
                format!("└ {text}")
            } else {
                text
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use crate::app::test_support::{state, type_text};
    use ratatui::style::Modifier;

    /// The style of the cell after "Find: " on the field's line, and the line.
    fn after_label(s: &crate::app::state::State) -> (String, ratatui::style::Style) {
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        let look = crate::ui::Look {
            theme: crate::ui::theme::Theme {
                no_color: true,
                ..Default::default()
            },
            images: Default::default(),
        };
        term.draw(|f| crate::ui::draw(f, s, &look)).unwrap();
        let buf = term.backend().buffer();
        let line: String = (0..80).map(|x| buf[(x, 2)].symbol()).collect();
        let x = line.find("Find: ").expect("the field") + "Find: ".len();
        let col = line[..x].chars().count() as u16;
        (line, buf[(col, 2)].style())
    }

    #[test]
    fn without_colour_the_example_in_the_field_is_told_apart_from_typed_text() {
        let mut s = state();
        let (line, example) = after_label(&s);
        assert!(line.contains("e.g. DDMMYY-SSSS"), "{line}");
        assert!(
            example.add_modifier.contains(Modifier::ITALIC),
            "{example:?}"
        );
        type_text(&mut s, "DDMMYY");
        let (line, typed) = after_label(&s);
        assert!(line.contains("Find: DDMMYY "), "{line}");
        assert!(!typed.add_modifier.contains(Modifier::ITALIC), "{typed:?}");
        assert_ne!(example, typed);
    }

    #[test]
    fn a_backend_s_failure_is_shown_whole_with_its_request_id_at_80_columns() {
        use crate::app::features::ViewKind;
        use crate::app::features::search::{Outcome, SourceSearch};
        let mut s = state();
        let why = crate::backends::BackendError::Http {
            backend: "bunq",
            request_id: "5c8a9205e136".into(),
            status: 500,
        }
        .to_string();
        let ViewKind::Search(v) = &mut s.top_mut().kind else {
            panic!()
        };
        v.sources.push(SourceSearch {
            source: crate::search::Source::Bunq,
            req: 1,
            started: std::time::Instant::now(),
            outcome: Outcome::Failed {
                why,
                took: std::time::Duration::from_millis(220),
            },
        });
        let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        term.draw(|f| crate::ui::draw(f, &s, &Default::default()))
            .unwrap();
        let buf = term.backend().buffer();
        let screen: String = (0..24)
            .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect();
        assert!(screen.contains("[request"), "{screen}");
        assert!(screen.contains("5c8a9205e136]"), "{screen}");
    }
}
