//! What the core loop asks of every view and every feature. A feature implements [`Feature`]
//! once and [`Pane`] for each of its views; the compiler then lists every method a new one
//! must provide, and the routing never matches on a feature or a view kind.

use super::action::{Call, Effect, Payload, RequestId};
use super::columns::{Column, Sheet, Shown};
use super::form::Form;
use super::paging::{ListCursor, PagedList};
use super::registry::{Command, Context};
use super::state::{State, ViewId};
use crate::backends::BackendError;

/// One view on the navigation stack, as the shared machinery sees it.
pub trait Pane {
    /// Its place in the breadcrumbs.
    fn title(&self) -> String;
    /// Which commands apply here (read-only is applied by [`State::context`], nowhere else).
    fn context(&self) -> Context;
    /// The list the shared controller moves, pages and keeps visible; `None` for a detail.
    fn list(&mut self) -> Option<&mut dyn ListCursor>;
    /// What `:export` writes: this table or detail through the columns the pane draws.
    fn sheet(&self, shown: &Shown) -> Option<Sheet>;
    /// What `y` copies: a label for the toast, and the value.
    fn copy_target(&self) -> Option<(&'static str, String)>;
    /// Esc stopped the requests this view waited for: say so where the answer would be.
    fn cancelled(&mut self);
    /// What the view sends as it closes (a claim let go): sent even when the console quits,
    /// and its answer is not waited for.
    fn closing(&self) -> Option<Call> {
        None
    }
    /// Esc with nothing running: closes something inside the view (a zoomed image, a
    /// field being typed in) and says so, or leaves it to the navigation to go back.
    /// Most views have nothing inside to close.
    fn back(&mut self) -> bool {
        false
    }
    /// The CPR this view can reveal and copy, with the audit targets it is about. Only
    /// views that show a CPR have one.
    fn revealable(&self) -> Option<Revealable> {
        None
    }
    /// The audit record of a reveal is written: show the number (`true`), or hide it again
    /// because the view changed (`false`).
    fn set_revealed(&mut self, _shown: bool) {}
    /// The filter over this view's list, if one is open (`f`).
    fn filter(&self) -> Option<&super::filter::ListFilter> {
        None
    }
    /// The record this view shows, as the team store keeps its timeline: `N` adds a note to
    /// it and `T` shows its timeline. Only views of one record with a stable id have one.
    fn subject(&self) -> Option<Subject> {
        None
    }
}

/// A row of a server-paged list pane: what the list is called and shows, once per row type.
/// Every `PagedList` of such rows is a pane through the one implementation below.
pub trait ListRow: super::filter::Filterable + Sized + 'static {
    /// In the breadcrumbs.
    const TITLE: &'static str;
    /// The export's file name.
    const SHEET: &'static str;
    const CONTEXT: Context;
    /// What `y` says it copied: "user id".
    const COPY_LABEL: &'static str;
    const COLUMNS: &'static [Column<Self>];
    /// The row's id, for `y`.
    fn id(&self) -> String;
}

impl<T: ListRow> Pane for PagedList<T> {
    fn title(&self) -> String {
        T::TITLE.into()
    }
    fn context(&self) -> Context {
        T::CONTEXT
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        Some(self)
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        Some(Sheet::of(T::SHEET, T::COLUMNS, &self.rows, shown))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some((T::COPY_LABEL, self.rows.get(self.selected)?.id()))
    }
    fn cancelled(&mut self) {
        ListCursor::cancelled(self)
    }
    fn filter(&self) -> Option<&super::filter::ListFilter> {
        self.filter.as_ref()
    }
}

/// A CPR on a view: what its reveal or copy is audited as, and the number itself.
pub struct Revealable {
    pub targets: Vec<String>,
    /// As the audit record holds it: masked.
    pub masked: Option<String>,
    /// A Danish CPR, which `y` copies once revealed.
    pub cpr: Option<crate::core::Cpr>,
    pub revealed: bool,
}

/// A record's place in the team store: notes and events are kept under `key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The store's subject, as the audit timeline writes it: `{backend}:{target}`
    /// (`Unioo:user:<uuid>`, `bunq:bunq-user:<id>`).
    pub key: String,
    /// What the operator calls it: in the note dialog and the timeline's title.
    pub title: String,
}

impl Subject {
    /// The subject of `target` at `backend`, as [`super::backends::Audit::on_timeline`]
    /// records the audited actions on it.
    pub fn new(backend: &str, target: impl std::fmt::Display, title: impl Into<String>) -> Self {
        Subject {
            key: format!("{backend}:{target}"),
            title: title.into(),
        }
    }
}

impl<P: Pane + ?Sized> Pane for Box<P> {
    fn title(&self) -> String {
        (**self).title()
    }
    fn context(&self) -> Context {
        (**self).context()
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        (**self).list()
    }
    fn sheet(&self, shown: &Shown) -> Option<Sheet> {
        (**self).sheet(shown)
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        (**self).copy_target()
    }
    fn cancelled(&mut self) {
        (**self).cancelled()
    }
    fn back(&mut self) -> bool {
        (**self).back()
    }
    fn closing(&self) -> Option<Call> {
        (**self).closing()
    }
    fn filter(&self) -> Option<&super::filter::ListFilter> {
        (**self).filter()
    }
    fn revealable(&self) -> Option<Revealable> {
        (**self).revealable()
    }
    fn set_revealed(&mut self, shown: bool) {
        (**self).set_revealed(shown)
    }
    fn subject(&self) -> Option<Subject> {
        (**self).subject()
    }
}

/// A feature's handlers, reached from the routing through the view on top (or the view a
/// result belongs to). Each takes the whole state: a feature may open views and start calls.
pub trait Feature: Sync {
    /// A command from the registry that is this feature's own (shared ones are routed before).
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect>;
    /// A key no command took, on this feature's top view (typing into its field, say).
    /// Features without a field ignore it.
    fn on_other_key(&self, _state: &mut State, _key: crossterm::event::KeyEvent) -> Vec<Effect> {
        Vec::new()
    }
    /// Enter on the top view.
    fn open(&self, state: &mut State) -> Vec<Effect>;
    /// F5 on the top view.
    fn refresh(&self, state: &mut State) -> Vec<Effect>;
    /// Enter on the confirm step of a form opened on this feature's view: the call that
    /// sends it (audited by the runner), or why nothing is sent, shown in the form.
    fn submit(&self, _state: &State, _form: &Form) -> Result<Call, String> {
        Err("There is nothing to send from this screen.".into())
    }
    /// The cursor of `view`'s list came near the end of what is loaded. Features whose
    /// lists are loaded whole ask for nothing.
    fn load_more(&self, _state: &mut State, _view: ViewId) -> Vec<Effect> {
        Vec::new()
    }
    /// Every tick (100 ms), for each open `view` of this feature (`on_top`: the one shown):
    /// work that falls due (a claim renewed, claims read again).
    fn on_tick(&self, _state: &mut State, _view: ViewId, _on_top: bool) -> Vec<Effect> {
        Vec::new()
    }
    /// An answer for a request `view` made.
    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect>;
}
