//! Drawing: pure functions from `&State` to a frame. No I/O, no mutation of the state (the one
//! cache is the last encoded image, in `widgets::image`).

pub use crate::format;
pub mod panes;
pub mod theme;
pub mod widgets;

use crate::app::features::ViewKind;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

/// How this terminal draws: colours and the image protocol. Kept by the terminal loop, not in
/// `State` (which holds no drawing types).
#[derive(Default)]
pub struct Look {
    pub theme: theme::Theme,
    pub images: widgets::image::ImageSupport,
}

/// The state as a pane draws it: every field of `State`, and the look.
pub struct Screen<'a> {
    pub state: &'a State,
    pub theme: &'a theme::Theme,
    pub images: &'a widgets::image::ImageSupport,
}

impl std::ops::Deref for Screen<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        self.state
    }
}

pub fn draw(frame: &mut Frame, state: &State, look: &Look) {
    let screen = Screen {
        state,
        theme: &look.theme,
        images: &look.images,
    };
    draw_screen(frame, &screen);
    sanitize_cells(frame.buffer_mut());
}

/// Every cell on its way to the terminal passes `sanitize`, whichever widget drew it (tables,
/// details, toasts, dialogs, the header's trail). ratatui already drops control characters
/// from text; this also takes out the bidi controls and zero-width characters a cell can
/// carry (a zero-width joiner stays with the letter before it). A cell holding an escape
/// sequence is an image (sixel, kitty, iTerm2) that ratatui-image wrote: text never gets one
/// into a cell, because ratatui drops ESC from every string it draws.
pub fn sanitize_cells(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        let symbol = cell.symbol();
        if symbol.contains('\x1b') {
            continue;
        }
        if let std::borrow::Cow::Owned(clean) = crate::sanitize::line(symbol) {
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

fn draw_screen(frame: &mut Frame, state: &Screen<'_>) {
    if state.locked {
        // Nothing personal while locked: only the profile and the way back.
        return widgets::overlay::lock_screen(frame, state);
    }
    let [header, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    widgets::header::draw(frame, header, state);
    let view = state.top();
    match &view.kind {
        ViewKind::Search(s) => panes::search::draw(frame, body, state, s),
        ViewKind::Person(p) => panes::person::draw(frame, body, state, p),
        ViewKind::Users(l) => panes::users::draw(frame, body, state, l),
        ViewKind::Employees(l) => panes::employees::draw(frame, body, state, l),
        ViewKind::Employee(e) => panes::employees::draw_detail(frame, body, state, e),
        ViewKind::Queue(q) => panes::queue::draw(frame, body, state, q),
        ViewKind::Document(d) => panes::document::draw(frame, body, state, d),
        ViewKind::Audit(a) => panes::audit::draw(frame, body, state, a),
        ViewKind::Companies(l) => panes::onboarding::draw_companies(frame, body, state, l),
        ViewKind::Departments(d) => panes::onboarding::draw_departments(frame, body, state, d),
        ViewKind::ClientEmployees(e) => {
            panes::onboarding::draw_client_employees(frame, body, state, e)
        }
        ViewKind::ClientEmployee(e) => {
            panes::onboarding::draw_client_employee(frame, body, state, e)
        }
        ViewKind::PlatformUsers(l) => panes::platform::draw_list(frame, body, state, l),
        ViewKind::PlatformUser(u) => panes::platform::draw_user(frame, body, state, u),
        ViewKind::EndUsers(l) => panes::investors::draw_list(frame, body, state, l),
        ViewKind::EndUser(u) => panes::investors::draw_user(frame, body, state, u),
        ViewKind::BankUsers(l) => panes::banking::draw_list(frame, body, state, l),
        ViewKind::BankUser(u) => panes::banking::draw_user(frame, body, state, u),
        ViewKind::Pending(l) => panes::pending::draw_list(frame, body, state, l),
        ViewKind::Proposal(v) => panes::pending::draw_proposal(frame, body, state, v),
        ViewKind::Timeline(v) => panes::notes::draw(frame, body, state, v),
    }
    widgets::status::draw(frame, status, state);
    widgets::overlay::draw(frame, state);
}

#[cfg(test)]
mod tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Paragraph, Widget};

    fn symbols(buf: &Buffer) -> String {
        buf.content.iter().map(|c| c.symbol()).collect()
    }

    #[test]
    fn no_cell_keeps_a_bidi_or_zero_width_character_and_images_are_left_alone() {
        let area = Rect::new(0, 0, 30, 1);
        let mut buf = Buffer::empty(area);
        Paragraph::new("Ann\u{200D}Lee \u{2067}x\u{2069} y\u{00AD}z\u{FE0F}")
            .render(area, &mut buf);
        let image = "\x1bPq#0;2;0;0;0~\x1b\\";
        buf[(29, 0)].set_symbol(image);
        assert!(
            symbols(&buf).contains('\u{200D}') || symbols(&buf).contains('\u{00AD}'),
            "ratatui alone keeps them: {:?}",
            symbols(&buf)
        );
        super::sanitize_cells(&mut buf);
        let shown = symbols(&buf);
        assert!(
            !shown[..shown.len() - image.len()]
                .chars()
                .any(crate::sanitize::is_unsafe),
            "{shown:?}"
        );
        assert!(shown.starts_with("AnnLee x y"), "{shown:?}");
        assert_eq!(buf[(29, 0)].symbol(), image);
    }
}
