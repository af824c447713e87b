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
    draw_screen(frame, &screen)
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
    }
    widgets::status::draw(frame, status, state);
    widgets::overlay::draw(frame, state);
}
