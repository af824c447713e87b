//! `update`: the console's logic. Synchronous and free of I/O: it changes the state and returns
//! the effects (backend calls, cancellations) for the runner to carry out.

use super::action::{Action, Call, Effect, Payload, RequestId};
use super::banking;
use super::forms;
use super::investors;
use super::onboarding;
use super::palette;
use super::platform;
use super::registry::{self, Command};
use super::review;
use super::search;
use super::state::*;
use crate::backends::BackendError;
use crate::core::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let top = state.top().id;
    let effects = dispatch(state, action);
    if state.top().id != top {
        // A revealed CPR shows only until the view changes.
        for v in &mut state.views {
            match &mut v.kind {
                ViewKind::Person(p) => p.revealed = false,
                ViewKind::Document(d) => d.revealed = false,
                _ => {}
            }
        }
    }
    effects
}

fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => {
            if state.locked {
                // Only an explicit Enter unlocks; nothing else reaches the hidden screen.
                if key.code == KeyCode::Enter {
                    state.locked = false;
                }
                state.last_input = state.now;
                return Vec::new();
            }
            state.last_input = state.now;
            on_key(state, key)
        }
        Action::Key(_) => Vec::new(),
        Action::Paste(text) => {
            if let ViewKind::Search(s) = &mut state.top_mut().kind
                && s.focus == SearchFocus::Input
            {
                for c in text.chars().filter(|c| !c.is_control()) {
                    s.input.handle(tui_input::InputRequest::InsertChar(c));
                }
                s.error = None;
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            let rows = list_rows(h);
            for v in &mut state.views {
                match &mut v.kind {
                    ViewKind::Users(l) => keep_visible(l, rows),
                    ViewKind::Employees(l) => keep_visible(l, rows),
                    ViewKind::Companies(l) => keep_visible(l, rows),
                    ViewKind::PlatformUsers(l) => keep_visible(l, rows),
                    ViewKind::EndUsers(l) => keep_visible(l, rows),
                    ViewKind::Departments(d) => keep_visible(&mut d.list, rows),
                    ViewKind::ClientEmployees(e) => keep_visible(&mut e.list, rows),
                    _ => {}
                }
            }
            Vec::new()
        }
        Action::Tick(now) => {
            state.now = now;
            let idle = now.saturating_duration_since(state.last_input);
            let lock = !state.locked
                && !state.profile.idle_lock.is_zero()
                && idle >= state.profile.idle_lock;
            if lock {
                state.locked = true;
                state.overlay_before_lock();
            }
            // A toast that has had its time goes, and the screen is drawn without it.
            let toast_ended = state.toast.as_ref().is_some_and(|(_, until)| now >= *until);
            if toast_ended {
                state.toast = None;
            }
            state.tick_changed = lock || toast_ended || state.slow_request().is_some();
            Vec::new()
        }
        Action::Loaded { req, result } => on_loaded(state, req, result),
        Action::ImportProgress { req, progress } => {
            onboarding::on_import_progress(state, req, progress);
            Vec::new()
        }
    }
}

/// Whether the last tick changed what the screen shows (the spinner, the idle lock).
pub fn tick_redraws(state: &State) -> bool {
    state.tick_changed
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let context = state.context();
    // A running import takes Ctrl-C as "stop the import", not "quit".
    if matches!(state.overlay, Overlay::Import(_)) {
        return onboarding::on_import_key(state, key);
    }
    // Ctrl-C quits from anywhere, dialogs and fields included.
    if key.code == KeyCode::Char('c')
        && key
            .modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
    {
        return run(state, Command::Quit);
    }
    if state.login.is_some() {
        return onboarding::on_login_key(state, key);
    }
    match &mut state.overlay {
        Overlay::Help => {
            if matches!(
                key.code,
                KeyCode::Esc
                    | KeyCode::Char('?')
                    | KeyCode::Char('q')
                    | KeyCode::Enter
                    | KeyCode::F(1)
            ) {
                state.overlay = Overlay::None;
            }
            return Vec::new();
        }
        Overlay::Palette { input, selected } => {
            let ctx = context;
            let matches = palette::matches(input.value(), ctx);
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Up => *selected = selected.saturating_sub(1),
                KeyCode::Down => *selected = (*selected + 1).min(matches.len().saturating_sub(1)),
                KeyCode::Enter => {
                    let chosen = match palette::with_arguments(input.value(), ctx) {
                        Some((spec, args)) => Some((spec.command, args.to_string())),
                        None => matches.get(*selected).map(|s| (s.command, String::new())),
                    };
                    state.overlay = Overlay::None;
                    if let Some((c, args)) = chosen {
                        return run_with(state, c, &args);
                    }
                }
                _ => {
                    input.handle_event(&Event::Key(key));
                    *selected = 0;
                }
            }
            return Vec::new();
        }
        Overlay::Confirm(c) => {
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Enter => return review::confirm(state),
                KeyCode::Up if c.reject => c.reason = c.reason.saturating_sub(1),
                KeyCode::Down if c.reject => {
                    c.reason = (c.reason + 1).min(state.profile.reject_reasons.len())
                }
                _ if c.reject => {
                    c.detail.handle_event(&Event::Key(key));
                    c.error = None;
                }
                _ => {}
            }
            return Vec::new();
        }
        Overlay::Reveal { reason, error } => {
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Enter => return review::confirm_reveal(state),
                _ => {
                    reason.handle_event(&Event::Key(key));
                    *error = None;
                }
            }
            return Vec::new();
        }
        Overlay::Form(_) => return forms::on_key(state, key),
        Overlay::Prompt(_) => return onboarding::on_prompt_key(state, key),
        Overlay::Import(_) => return onboarding::on_import_key(state, key),
        Overlay::None => {}
    }
    let ctx = state.context();
    match state.keymap.lookup(&key, ctx) {
        Some(command) => run(state, command),
        None if ctx.typing => {
            if let ViewKind::Audit(a) = &mut state.top_mut().kind {
                if matches!(key.code, KeyCode::Enter | KeyCode::Esc) {
                    a.filtering = false;
                } else {
                    a.filter.handle_event(&Event::Key(key));
                    a.selected = 0;
                }
                return Vec::new();
            }
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                if key.code == KeyCode::Enter {
                    return search::submit(state);
                }
                if s.input.handle_event(&Event::Key(key)).is_some() {
                    s.error = None;
                }
            }
            Vec::new()
        }
        None => {
            // A digit on the search results starts a new CPR: no need to go back to the field.
            if let (ViewKind::Search(s), KeyCode::Char(c)) = (&mut state.top_mut().kind, key.code)
                && c.is_ascii_digit()
            {
                s.focus = SearchFocus::Input;
                s.input = tui_input::Input::new(c.to_string());
                s.error = None;
            }
            Vec::new()
        }
    }
}

/// A command from the palette, with what was typed after its name (see
/// [`Command::takes_arguments`]).
fn run_with(state: &mut State, command: Command, args: &str) -> Vec<Effect> {
    match command {
        Command::Export => super::export::run(state, args),
        Command::Profile => switch_profile(state, args),
        c => run(state, c),
    }
}

/// Runs a command from the registry (by key or from the palette).
pub fn run(state: &mut State, command: Command) -> Vec<Effect> {
    // Production: the first change of the session waits for the profile's name.
    if state.profile.production
        && !state.production_unlocked
        && !state.profile.read_only
        && registry::spec(command).mutating
    {
        state.overlay = Overlay::Prompt(Prompt::new(PromptKind::ProductionGate { then: command }));
        return Vec::new();
    }
    let rows = list_rows(state.size.1);
    match command {
        Command::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Command::Help => {
            state.overlay = Overlay::Help;
            Vec::new()
        }
        Command::Palette => {
            state.overlay = Overlay::Palette {
                input: Default::default(),
                selected: 0,
            };
            Vec::new()
        }
        Command::Back => back(state),
        Command::Search => {
            let effects = cancel_views_above(state, 1);
            state.views.truncate(1);
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.focus = SearchFocus::Input;
            }
            effects
        }
        Command::Users => open_list(state, true),
        Command::Employees => open_list(state, false),
        Command::Refresh => refresh(state),
        Command::SwitchFocus => {
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.focus = match s.focus {
                    SearchFocus::Input => SearchFocus::Results,
                    SearchFocus::Results => SearchFocus::Input,
                };
            }
            Vec::new()
        }
        Command::NextTab
        | Command::PrevTab
        | Command::Tab1
        | Command::Tab2
        | Command::Tab3
        | Command::Tab4 => {
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                let i = p.tab.index();
                p.tab = match command {
                    Command::NextTab => PersonTab::ALL[(i + 1) % 4],
                    Command::PrevTab => PersonTab::ALL[(i + 3) % 4],
                    Command::Tab1 => PersonTab::Overview,
                    Command::Tab2 => PersonTab::Roles,
                    Command::Tab3 => PersonTab::Identity,
                    _ => PersonTab::Documents,
                };
                p.open_document = None;
                p.revealed = false;
            }
            Vec::new()
        }
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => move_cursor(state, command, rows),
        Command::Open => open(state),
        Command::Review => {
            let mut effects = Vec::new();
            review::open_queue(state, &mut effects);
            effects
        }
        Command::Audit => {
            let view = state.push(ViewKind::Audit(Box::new(AuditView {
                records: Resource::Idle,
                verified: None,
                filter: Default::default(),
                filtering: false,
                selected: 0,
            })));
            let mut effects = Vec::new();
            let req = start(state, view, Call::LoadAudit, &mut effects);
            if let ViewKind::Audit(a) = &mut state.top_mut().kind {
                a.records = Resource::Loading(req);
            }
            effects
        }
        Command::Filter => match &mut state.top_mut().kind {
            ViewKind::Audit(a) => {
                a.filtering = true;
                Vec::new()
            }
            _ => review::cycle_filter(state),
        },
        Command::Approve | Command::Reject => {
            if !state.profile.read_only {
                review::ask(state, command == Command::Reject);
            }
            Vec::new()
        }
        Command::Zoom => {
            if let ViewKind::Document(d) = &mut state.top_mut().kind {
                d.zoom = !d.zoom;
            }
            Vec::new()
        }
        Command::Reveal => {
            review::ask_reveal(state);
            Vec::new()
        }
        Command::New if matches!(state.top().kind, ViewKind::Employees(_)) => {
            if !state.profile.read_only {
                state.overlay = Overlay::Form(super::form::Form::bank_employee());
            }
            Vec::new()
        }
        Command::Onboarding => onboarding::open_companies(state),
        Command::Platform => platform::open(state),
        Command::EndUsers => investors::open(state),
        Command::BankUsers => banking::open(state),
        Command::Copy => super::copy::run(state),
        Command::Export => super::export::run(state, ""),
        Command::Profile => switch_profile(state, ""),
        Command::Block | Command::SetStatus => banking::run(state, command),
        Command::Edit
            if matches!(
                state.top().kind,
                ViewKind::BankUsers(_) | ViewKind::BankUser(_)
            ) =>
        {
            banking::run(state, command)
        }
        Command::RequestChange => investors::run(state, command),
        Command::New | Command::Offboard
            if matches!(
                state.top().kind,
                ViewKind::EndUsers(_) | ViewKind::EndUser(_)
            ) =>
        {
            investors::run(state, command)
        }
        Command::Activate | Command::Deactivate | Command::MoveGroup => {
            platform::run(state, command)
        }
        Command::New | Command::Edit
            if matches!(
                state.top().kind,
                ViewKind::PlatformUsers(_) | ViewKind::PlatformUser(_)
            ) =>
        {
            platform::run(state, command)
        }
        Command::New
        | Command::FindExternalId
        | Command::Edit
        | Command::AddDependent
        | Command::EditDependent
        | Command::Offboard
        | Command::Import => onboarding::run(state, command),
        Command::Sort => {
            let view = state.top().id;
            let mut effects = Vec::new();
            match &mut state.top_mut().kind {
                ViewKind::Users(l) => {
                    let sort = l.sort.next();
                    effects.extend(l.loading.take().map(Effect::Cancel));
                    *l = PagedList {
                        sort,
                        ..Default::default()
                    };
                }
                ViewKind::Employees(l) => {
                    let sort = l.sort.next();
                    effects.extend(l.loading.take().map(Effect::Cancel));
                    *l = PagedList {
                        sort,
                        ..Default::default()
                    };
                }
                _ => return effects,
            }
            for e in &effects {
                if let Effect::Cancel(r) = e {
                    state.requests.remove(r);
                }
            }
            effects.extend(load_more(state, view));
            effects
        }
    }
}

/// `:profile NAME`: ends this session and starts one on that profile (the terminal stays).
fn switch_profile(state: &mut State, name: &str) -> Vec<Effect> {
    let names = state.profile.profiles.join(", ");
    let toast = if state.profile.profiles.is_empty() {
        "No other profile: there is no config file.".to_string()
    } else if name.is_empty() {
        format!("Profiles: {names}. Type :profile NAME.")
    } else if name == state.profile.name {
        format!("Already on {name}.")
    } else if !state.profile.profiles.iter().any(|p| p == name) {
        format!("No profile {name:?}; there are {names}.")
    } else {
        state.switch_to = Some(name.to_string());
        state.quit = true;
        return vec![Effect::Quit];
    };
    state.show_toast(toast);
    Vec::new()
}

/// What an answer says about its backend: a refusal still means the backend is up.
fn health_after(result: &Result<Payload, BackendError>, took: std::time::Duration) -> Health {
    match result {
        Err(BackendError::Unauthorized { .. }) => Health::AuthFailed,
        Err(BackendError::Throttled { .. }) => Health::Throttled,
        Err(e) if e.backend_down() => Health::Down,
        _ if took >= SLOW_AFTER => Health::Slow,
        _ => Health::Ok,
    }
}

/// Registers a call and returns its request id.
pub(super) fn start(
    state: &mut State,
    view: ViewId,
    call: Call,
    effects: &mut Vec<Effect>,
) -> RequestId {
    let req = state.next_id();
    state.requests.insert(
        req,
        InFlight {
            view,
            started: state.now,
            what: call.describe(),
            backend: call.backend(),
        },
    );
    effects.push(Effect::Call { req, call });
    req
}

fn cancel(state: &mut State, req: RequestId, effects: &mut Vec<Effect>) {
    state.requests.remove(&req);
    effects.push(Effect::Cancel(req));
}

/// Goes back to the open view that `is` matches, closing those above it; `None` when there
/// is none (open a new one then). Lists are reused rather than stacked twice.
pub(super) fn return_to(state: &mut State, is: impl Fn(&ViewKind) -> bool) -> Option<Vec<Effect>> {
    let pos = state.views.iter().position(|v| is(&v.kind))?;
    let effects = cancel_views_above(state, pos + 1);
    state.views.truncate(pos + 1);
    Some(effects)
}

/// Cancels every request of the views from `keep` up.
pub(super) fn cancel_views_above(state: &mut State, keep: usize) -> Vec<Effect> {
    let ids: Vec<ViewId> = state.views.iter().skip(keep).map(|v| v.id).collect();
    let reqs: Vec<RequestId> = state
        .requests
        .iter()
        .filter(|(_, r)| ids.contains(&r.view))
        .map(|(id, _)| *id)
        .collect();
    let mut effects = Vec::new();
    for r in reqs {
        cancel(state, r, &mut effects);
    }
    effects
}

/// Esc: cancel what the current view is waiting for; if nothing, close the document or go back.
fn back(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let running: Vec<RequestId> = state
        .requests
        .iter()
        .filter(|(_, r)| r.view == view)
        .map(|(id, _)| *id)
        .collect();
    let mut effects = Vec::new();
    if !running.is_empty() {
        for r in &running {
            cancel(state, *r, &mut effects);
        }
        match &mut state.top_mut().kind {
            ViewKind::Search(s) => search::cancelled(s),
            ViewKind::Person(p) => {
                if p.person.is_loading() {
                    p.person = Resource::Failed("Cancelled. Press F5 to load again.".into());
                }
                if let Some((_, doc)) = &mut p.open_document
                    && doc.is_loading()
                {
                    p.open_document = None;
                }
            }
            ViewKind::Users(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::Employees(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::Queue(q) => {
                q.list.loading = None;
                q.list.error = Some("Loading cancelled. Press F5 to load again.".into());
            }
            ViewKind::Document(d) => {
                if d.deciding.is_some() {
                    d.deciding = None;
                    d.notice = Some(
                        "Stopped waiting for the decision. It may still have been made: press F5 to see the document's state."
                            .into(),
                    );
                }
            }
            ViewKind::Employee(_)
            | ViewKind::Audit(_)
            | ViewKind::PlatformUser(_)
            | ViewKind::EndUser(_) => {}
            ViewKind::BankUser(u) => {
                if matches!(u.user, Resource::Loading(_)) {
                    u.user = Resource::Failed("Loading cancelled. Press F5 to load again.".into());
                }
            }
            ViewKind::BankUsers(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::EndUsers(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Move down or press F5 to continue.".into());
            }
            ViewKind::PlatformUsers(l) => {
                l.loading = None;
                l.error = Some("Loading cancelled. Press F5 to load again.".into());
            }
            kind => {
                onboarding::cancelled(kind);
            }
        }
        return effects;
    }
    let depth = state.views.len();
    match &mut state.top_mut().kind {
        ViewKind::Person(p) if p.open_document.is_some() => p.open_document = None,
        ViewKind::Document(d) if d.zoom => d.zoom = false,
        ViewKind::Search(s) => s.focus = SearchFocus::Results,
        _ if depth > 1 => {
            state.views.pop();
        }
        _ => {}
    }
    effects
}

fn open_list(state: &mut State, users: bool) -> Vec<Effect> {
    if let Some(effects) = return_to(state, |k| {
        matches!(
            (k, users),
            (ViewKind::Users(_), true) | (ViewKind::Employees(_), false)
        )
    }) {
        return effects;
    }
    let kind = if users {
        ViewKind::Users(Default::default())
    } else {
        ViewKind::Employees(Default::default())
    };
    let view = state.push(kind);
    load_more(state, view)
}

/// Asks for the next page of a paged list, unless one is on its way or the list is complete.
pub(super) fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    let call = match state.view_mut(view).map(|v| &mut v.kind) {
        Some(ViewKind::Users(l)) if l.loading.is_none() && !l.complete() => Call::Users {
            after: l.next_cursor.clone(),
            sort: l.sort,
        },
        Some(ViewKind::Employees(l)) if l.loading.is_none() && !l.complete() => Call::Employees {
            after: l.next_cursor.clone(),
            sort: l.sort,
        },
        _ => return Vec::new(),
    };
    let mut effects = Vec::new();
    let req = start(state, view, call, &mut effects);
    match state.view_mut(view).map(|v| &mut v.kind) {
        Some(ViewKind::Users(l)) => {
            l.loading = Some(req);
            l.error = None;
        }
        Some(ViewKind::Employees(l)) => {
            l.loading = Some(req);
            l.error = None;
        }
        _ => {}
    }
    effects
}

fn refresh(state: &mut State) -> Vec<Effect> {
    let mut effects = cancel_views_above(state, state.views.len() - 1);
    let view = state.top().id;
    match &mut state.top_mut().kind {
        ViewKind::Person(p) => {
            let id = p.id;
            p.open_document = None;
            let req = start(state, view, Call::Person(id), &mut effects);
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                p.person = Resource::Loading(req);
            }
        }
        ViewKind::Users(l) => {
            *l = PagedList {
                sort: l.sort,
                ..Default::default()
            };
            effects.extend(load_more(state, view));
        }
        ViewKind::Employees(l) => {
            *l = PagedList {
                sort: l.sort,
                ..Default::default()
            };
            effects.extend(load_more(state, view));
        }
        ViewKind::Search(_) => effects.extend(search::again(state)),
        ViewKind::Queue(q) => {
            q.list = PagedList::default();
            effects.extend(review::load_more(state, view));
        }
        ViewKind::Document(d) => {
            let item = d.item.clone();
            state.views.pop();
            review::open_document(state, item, &mut effects);
        }
        ViewKind::Audit(_) => {
            let req = start(state, view, Call::LoadAudit, &mut effects);
            if let ViewKind::Audit(a) = &mut state.top_mut().kind {
                a.records = Resource::Loading(req);
            }
        }
        ViewKind::Employee(_) => {}
        _ => {
            let more = platform::refresh(state)
                .or_else(|| investors::refresh(state))
                .or_else(|| banking::refresh(state))
                .or_else(|| onboarding::refresh(state));
            effects.extend(more.unwrap_or_default())
        }
    }
    effects
}

pub(super) fn step(selected: usize, len: usize, command: Command, page: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let last = len - 1;
    match command {
        Command::Up => selected.saturating_sub(1),
        Command::Down => (selected + 1).min(last),
        Command::PageUp => selected.saturating_sub(page),
        Command::PageDown => (selected + page).min(last),
        Command::Top => 0,
        Command::Bottom => last,
        _ => selected,
    }
}

/// Keeps the selected row on screen. Leaving the window scrolls it by half a page, not by a
/// row: over a slow link one redraw of the table every few moves beats one every move.
pub(super) fn keep_visible<T>(l: &mut PagedList<T>, rows: usize) {
    let half = (rows / 2).max(1);
    if l.selected < l.offset {
        l.offset = l.selected.saturating_sub(half - 1);
    } else if l.selected >= l.offset + rows {
        l.offset = (l.selected + half + 1).saturating_sub(rows).min(l.selected);
    }
}

fn move_cursor(state: &mut State, command: Command, rows: usize) -> Vec<Effect> {
    let view = state.top().id;
    let near_end = match &mut state.top_mut().kind {
        ViewKind::Search(s) => {
            s.selected = step(s.selected, s.results.len(), command, rows);
            false
        }
        ViewKind::Person(p) => {
            match p.tab {
                PersonTab::Roles => {
                    let len = p.person.loaded().map_or(0, |x| x.administrators.len());
                    p.role_row = step(p.role_row, len, command, rows);
                }
                PersonTab::Documents => {
                    let len = p.documents().len();
                    p.document_row = step(p.document_row, len, command, rows);
                    p.open_document = None;
                }
                _ => {}
            }
            false
        }
        ViewKind::Users(l) => {
            l.selected = step(l.selected, l.rows.len(), command, rows);
            keep_visible(l, rows);
            l.selected + 2 * rows >= l.rows.len()
        }
        ViewKind::Employees(l) => {
            l.selected = step(l.selected, l.rows.len(), command, rows);
            keep_visible(l, rows);
            l.selected + 2 * rows >= l.rows.len()
        }
        ViewKind::Queue(q) => {
            q.list.selected = step(q.list.selected, q.list.rows.len(), command, rows);
            keep_visible(&mut q.list, rows);
            if q.list.selected + 2 * rows >= q.list.rows.len() {
                return review::load_more(state, view);
            }
            false
        }
        ViewKind::Audit(a) => {
            let len = a.visible().len();
            a.selected = step(a.selected, len, command, rows);
            false
        }
        ViewKind::Employee(_) | ViewKind::Document(_) => false,
        _ => {
            return platform::move_cursor(state, command, rows)
                .or_else(|| investors::move_cursor(state, command, rows))
                .or_else(|| banking::move_cursor(state, command, rows))
                .or_else(|| onboarding::move_cursor(state, command, rows))
                .unwrap_or_default();
        }
    };
    // Page in ahead of the cursor, so scrolling rarely waits.
    if near_end {
        load_more(state, view)
    } else {
        Vec::new()
    }
}

fn open(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let mut effects = Vec::new();
    let target = match &mut state.top_mut().kind {
        ViewKind::Search(s) => {
            return match s.results.get(s.selected).cloned() {
                Some(hit) => search::open_hit(state, hit),
                None => effects,
            };
        }
        ViewKind::Users(l) => l.rows.get(l.selected).map(|p| (p.id, p.full_name())),
        ViewKind::Employees(l) => {
            if let Some(e) = l.rows.get(l.selected).cloned() {
                state.push(ViewKind::Employee(Box::new(e)));
            }
            return effects;
        }
        ViewKind::Queue(q) => {
            if let Some(item) = q.list.rows.get(q.list.selected).cloned() {
                review::open_document(state, item, &mut effects);
            }
            return effects;
        }
        ViewKind::Companies(_) | ViewKind::Departments(_) | ViewKind::ClientEmployees(_) => {
            return onboarding::open(state).unwrap_or_default();
        }
        ViewKind::PlatformUsers(_) => return platform::open_user(state).unwrap_or_default(),
        ViewKind::EndUsers(_) => return investors::open_user(state).unwrap_or_default(),
        ViewKind::BankUsers(_) => return banking::open_user(state).unwrap_or_default(),
        ViewKind::Person(p) if p.tab == PersonTab::Documents => {
            let Some(kind) = p.documents().get(p.document_row).map(|d| d.kind) else {
                return effects;
            };
            let user = p.id;
            let req = start(state, view, Call::Document { user, kind }, &mut effects);
            if let ViewKind::Person(p) = &mut state.top_mut().kind {
                p.open_document = Some((kind, Resource::Loading(req)));
            }
            return effects;
        }
        _ => None,
    };
    if let Some((id, title)) = target {
        open_person(state, id, title, &mut effects);
    }
    effects
}

pub(super) fn open_person(
    state: &mut State,
    id: uuid::Uuid,
    title: String,
    effects: &mut Vec<Effect>,
) {
    let view = state.push(ViewKind::Person(Box::new(PersonView {
        id,
        revealed: false,
        title,
        person: Resource::Idle,
        tab: PersonTab::Overview,
        role_row: 0,
        document_row: 0,
        open_document: None,
    })));
    let req = start(state, view, Call::Person(id), effects);
    if let ViewKind::Person(p) = &mut state.top_mut().kind {
        p.person = Resource::Loading(req);
    }
}

fn on_loaded(
    state: &mut State,
    req: RequestId,
    result: Result<Payload, BackendError>,
) -> Vec<Effect> {
    // A result nobody waits for any more (cancelled, superseded, view closed) is dropped.
    let Some(flight) = state.requests.remove(&req) else {
        return Vec::new();
    };
    if matches!(&state.overlay, Overlay::Form(f) if f.sending == Some(req)) {
        return forms::on_loaded(state, flight.view, result);
    }
    let mut result = Some(result);
    if let Some(effects) = onboarding::on_prompt_loaded(state, req, &mut result)
        .or_else(|| onboarding::on_import_loaded(state, req, &mut result))
    {
        return effects;
    }
    let Some(result) = result else {
        return Vec::new();
    };
    if let Some(backend) = flight.backend {
        let took = state.now.saturating_duration_since(flight.started);
        state.health.insert(backend, health_after(&result, took));
    }
    let from = Some((flight.what, flight.backend));
    match &result {
        Err(e) => (state.last_error, state.last_error_from) = (Some(e.to_string()), from),
        // It works again: its old error in red would only mislead.
        Ok(_) if state.last_error_from == from => {
            (state.last_error, state.last_error_from) = (None, None)
        }
        Ok(_) => {}
    }
    if state.copy_after.as_ref().is_some_and(|(r, _)| *r == req) {
        return super::copy::on_audited(state, req, result.is_ok());
    }
    if let Ok(Payload::Exported { path, rows }) = &result {
        state.show_toast(format!("Exported {rows} rows to {}", path.display()));
        return Vec::new();
    }
    let mut effects = Vec::new();
    let Some(view) = state.view_mut(flight.view) else {
        return effects;
    };
    if matches!(view.kind, ViewKind::Document(_)) {
        review::on_document_loaded(state, flight.view, req, result, &mut effects);
        return effects;
    }
    if matches!(
        view.kind,
        ViewKind::PlatformUsers(_) | ViewKind::PlatformUser(_)
    ) {
        return platform::on_loaded(state, flight.view, req, result);
    }
    if matches!(view.kind, ViewKind::Search(_)) {
        return search::on_loaded(state, flight.view, req, result);
    }
    if matches!(view.kind, ViewKind::BankUsers(_) | ViewKind::BankUser(_)) {
        return banking::on_loaded(state, flight.view, req, result);
    }
    if matches!(view.kind, ViewKind::EndUsers(_) | ViewKind::EndUser(_)) {
        return investors::on_loaded(state, flight.view, req, result);
    }
    if matches!(
        view.kind,
        ViewKind::Companies(_)
            | ViewKind::Departments(_)
            | ViewKind::ClientEmployees(_)
            | ViewKind::ClientEmployee(_)
    ) {
        return onboarding::on_loaded(state, flight.view, req, result);
    }
    let failed = |e: &BackendError| e.to_string();
    match (&mut view.kind, result) {
        (ViewKind::Person(p), result) => match result {
            Ok(Payload::Person(Some(person))) if p.person == Resource::Loading(req) => {
                p.title = person.full_name();
                p.person = Resource::Loaded(person);
            }
            Ok(Payload::Person(None)) => {
                p.person = Resource::Failed(
                    "This person is not visible to your bank any more (no active administrator role).".into(),
                );
            }
            Ok(Payload::Document { file, .. }) => {
                if let Some((_, doc)) = &mut p.open_document {
                    *doc = Resource::Loaded(file);
                }
            }
            Ok(Payload::Revealed) => p.revealed = true,
            // Already in the status line; the person stays as loaded.
            Err(e) if e.code() == Some("AUDIT_UNAVAILABLE") => {}
            Err(e) => {
                if p.person == Resource::Loading(req) {
                    p.person = Resource::Failed(failed(&e));
                } else if let Some((_, doc)) = &mut p.open_document {
                    *doc = Resource::Failed(failed(&e));
                }
            }
            Ok(_) => {}
        },
        (ViewKind::Users(l), result) => apply_page(l, req, result, |p| match p {
            Payload::Users(page) => Some(page),
            _ => None,
        }),
        (ViewKind::Employees(l), result) => apply_page(l, req, result, |p| match p {
            Payload::Employees(page) => Some(page),
            _ => None,
        }),
        (ViewKind::Queue(q), result) => apply_page(&mut q.list, req, result, |p| match p {
            Payload::Queue(page) => Some(page),
            _ => None,
        }),
        (ViewKind::Audit(a), result) => match result {
            Ok(Payload::Audit { records, verified }) => {
                a.records = Resource::Loaded(records);
                a.verified = Some(verified);
            }
            Err(e) => a.records = Resource::Failed(e.to_string()),
            Ok(_) => {}
        },
        _ => {}
    }
    effects
}

fn apply_page<T>(
    l: &mut PagedList<T>,
    req: RequestId,
    result: Result<Payload, BackendError>,
    page: impl FnOnce(Payload) -> Option<Page<T>>,
) {
    if l.loading != Some(req) {
        return;
    }
    l.loading = None;
    match result.map(page) {
        Ok(Some(p)) => {
            l.rows.extend(p.items);
            l.total = Some(p.total);
            l.next_cursor = p.next_cursor;
        }
        Ok(None) => {}
        Err(e) => l.error = Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::app::action::Call;
    use crossterm::event::KeyModifiers;
    use std::time::Duration;

    /// Unioo's answer: these people.
    fn found(people: &[PersonSummary]) -> Result<Payload, BackendError> {
        Ok(Payload::Hits(crate::search::sources::Answer {
            hits: people
                .iter()
                .map(|p| crate::search::Hit {
                    source: crate::search::Source::Unioo,
                    name: p.full_name(),
                    email: None,
                    cpr: None,
                    detail: String::new(),
                    target: crate::search::Target::UniooPerson(p.id),
                    group: 0,
                })
                .collect(),
            capped: false,
        }))
    }

    fn search(s: &State) -> &SearchView {
        match &s.views[0].kind {
            ViewKind::Search(v) => v,
            _ => panic!("search is at the bottom"),
        }
    }

    #[test]
    fn an_invalid_cpr_is_refused_before_anything_is_sent() {
        let mut s = state();
        type_text(&mut s, "511062-5629");
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        assert_eq!(
            search(&s).error.as_deref(),
            Some("day 51 does not exist in 10/1862")
        );
        assert_eq!(
            search(&s).input.value(),
            "511062-5629",
            "the typed text is kept to fix"
        );
        assert!(s.requests.is_empty());
        key(&mut s, KeyCode::Backspace);
        assert_eq!(search(&s).error, None, "editing clears the error");
    }

    #[test]
    fn a_valid_cpr_is_searched_and_then_shown_masked_only() {
        let mut s = state();
        type_text(&mut s, "2110620629");
        let effects = key(&mut s, KeyCode::Enter);
        let (_, call) = call_req(&effects);
        let Call::Search {
            query: crate::search::Query::Cpr(cpr),
            ..
        } = call
        else {
            panic!("{call:?}")
        };
        assert_eq!(cpr.reveal(), "211062-0629");
        assert_eq!(search(&s).input.value(), "");
        assert_eq!(
            search(&s).submitted.as_ref().unwrap().shown(),
            "211062-****"
        );
    }

    #[test]
    fn one_match_opens_the_person_several_show_a_list() {
        let mut s = state();
        type_text(&mut s, "2110620629");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let p = person("Anne");
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: found(std::slice::from_ref(&p)),
            },
        );
        assert_eq!(call_req(&effects).1, Call::Person(p.id));
        assert!(
            matches!(&s.top().kind, ViewKind::Person(v) if v.id == p.id && v.title == "Anne Test")
        );

        key(&mut s, KeyCode::Esc); // cancels the person load
        assert!(s.requests.is_empty());
        key(&mut s, KeyCode::Esc); // goes back
        assert_eq!(s.views.len(), 1);
        type_text(&mut s, "2110620629");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: found(&[person("A"), person("B")]),
            },
        );
        assert!(effects.is_empty());
        assert_eq!(s.views.len(), 1);
        assert_eq!(search(&s).focus, SearchFocus::Results);
        key(&mut s, KeyCode::Down);
        let effects = key(&mut s, KeyCode::Enter);
        assert!(matches!(call_req(&effects).1, Call::Person(_)));
        assert!(matches!(&s.top().kind, ViewKind::Person(v) if v.title == "B Test"));
    }

    #[test]
    fn a_newer_search_supersedes_the_older_and_esc_cancels() {
        let mut s = state();
        type_text(&mut s, "2110620629");
        let (old, _) = call_req(&key(&mut s, KeyCode::Enter));
        type_text(&mut s, "0101014000");
        let effects = key(&mut s, KeyCode::Enter);
        assert!(effects.contains(&Effect::Cancel(old)));
        let (new, _) = call_req(&effects);
        // The old answer arrives anyway: dropped.
        update(
            &mut s,
            Action::Loaded {
                req: old,
                result: found(&[person("Old")]),
            },
        );
        assert!(search(&s).results.is_empty());
        assert_eq!(search(&s).sources[0].req, new);
        // Esc cancels the running one.
        assert_eq!(key(&mut s, KeyCode::Esc), vec![Effect::Cancel(new)]);
        assert_eq!(search(&s).sources[0].outcome, Outcome::Cancelled);
        update(
            &mut s,
            Action::Loaded {
                req: new,
                result: found(&[person("Late")]),
            },
        );
        assert!(
            search(&s).results.is_empty(),
            "a cancelled result never lands"
        );
    }

    #[test]
    fn letters_type_in_the_field_and_run_commands_outside_it() {
        let mut s = state();
        assert!(key(&mut s, KeyCode::Char('q')).is_empty());
        assert!(!s.quit);
        assert_eq!(search(&s).input.value(), "q");
        key(&mut s, KeyCode::Esc);
        assert_eq!(search(&s).focus, SearchFocus::Results);
        assert_eq!(key(&mut s, KeyCode::Char('q')), vec![Effect::Quit]);
        let mut s = state();
        assert_eq!(
            ctrl(&mut s, 'c'),
            vec![Effect::Quit],
            "Ctrl-c quits even while typing"
        );
    }

    #[test]
    fn the_users_list_pages_in_ahead_of_the_cursor() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('u')));
        assert_eq!(
            call,
            Call::Users {
                after: None,
                sort: Sort::default()
            }
        );
        let page = |n: usize, next: Option<&str>| Page {
            items: (0..n).map(|i| person(&format!("P{i}"))).collect(),
            total: 250,
            next_cursor: next.map(String::from),
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Users(page(100, Some("c1")))),
            },
        );
        // Near the top: no request.
        assert!(key(&mut s, KeyCode::Down).is_empty());
        // Two screens from the end: the next page is asked for, once.
        let effects = key(&mut s, KeyCode::Char('G'));
        let (req2, call) = call_req(&effects);
        assert_eq!(
            call,
            Call::Users {
                after: Some("c1".into()),
                sort: Sort::default()
            }
        );
        assert!(
            key(&mut s, KeyCode::Up).is_empty(),
            "no second request while one is on its way"
        );
        update(
            &mut s,
            Action::Loaded {
                req: req2,
                result: Ok(Payload::Users(page(150, None))),
            },
        );
        let ViewKind::Users(l) = &s.top().kind else {
            panic!()
        };
        assert_eq!(l.rows.len(), 250);
        assert!(l.complete());
        assert!(
            key(&mut s, KeyCode::Char('G')).is_empty(),
            "complete lists ask for nothing"
        );
        let ViewKind::Users(l) = &s.top().kind else {
            panic!()
        };
        assert_eq!(l.selected, 249);
        assert!(
            l.offset + list_rows(24) > l.selected,
            "the cursor stays on screen"
        );
    }

    #[test]
    fn sorting_restarts_the_list_from_the_first_page() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('u')));
        let effects = key(&mut s, KeyCode::Char('s'));
        assert!(effects.contains(&Effect::Cancel(req)));
        let sort = Sort {
            key: SortKey::Name,
            descending: true,
        };
        assert_eq!(call_req(&effects).1, Call::Users { after: None, sort });
    }

    #[test]
    fn each_backend_has_its_own_health_and_a_long_wait_shows_as_slow() {
        use crate::search::Source;
        let mut s = state();
        s.profile.search_sources = Source::ALL.to_vec();
        let t0 = s.now;
        type_text(&mut s, "Ida Holm");
        let c = calls(&key(&mut s, KeyCode::Enter));
        // bunq, Upvest, VASCO asked. Upvest answers, VASCO is down, bunq keeps everyone waiting.
        let answer = |req| Action::Loaded {
            req,
            result: Ok(Payload::Hits(crate::search::sources::Answer {
                hits: Vec::new(),
                capped: false,
            })),
        };
        update(&mut s, answer(c[1].0));
        update(
            &mut s,
            Action::Loaded {
                req: c[2].0,
                result: Err(BackendError::Throttled {
                    backend: "VASCO",
                    request_id: "r".into(),
                    retry_after: None,
                }),
            },
        );
        assert_eq!(
            s.health_now(),
            vec![("Upvest", Health::Ok), ("VASCO", Health::Throttled)]
        );
        update(&mut s, Action::Tick(t0 + Duration::from_millis(2500)));
        assert_eq!(
            s.health_now(),
            vec![
                ("Upvest", Health::Ok),
                ("VASCO", Health::Throttled),
                ("bunq", Health::Slow)
            ]
        );
        update(&mut s, answer(c[0].0));
        assert_eq!(s.health.get("bunq"), Some(Health::Slow), "answered, late");
        assert!(
            s.last_error
                .as_deref()
                .unwrap()
                .contains("VASCO is throttling")
        );
    }

    #[test]
    fn the_spinner_waits_100_ms_and_errors_set_health() {
        let mut s = state();
        let t0 = s.now;
        type_text(&mut s, "2110620629");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        update(&mut s, Action::Tick(t0 + Duration::from_millis(60)));
        assert!(!tick_redraws(&s));
        update(&mut s, Action::Tick(t0 + Duration::from_millis(120)));
        assert!(tick_redraws(&s));
        let err = BackendError::Timeout {
            backend: "Unioo",
            request_id: "r1".into(),
            secs: 20,
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Err(err),
            },
        );
        assert_eq!(s.health.get("Unioo"), Some(Health::Down));
        assert!(s.last_error.as_deref().unwrap().contains("[request r1]"));
        assert!(
            matches!(&search(&s).sources[0].outcome, Outcome::Failed { why, .. } if why.contains("did not answer"))
        );
        update(&mut s, Action::Tick(t0 + Duration::from_millis(300)));
        assert!(!tick_redraws(&s), "nothing moves: no redraw");
    }

    #[test]
    fn an_error_leaves_the_status_line_once_the_same_request_works() {
        let mut s = state();
        type_text(&mut s, "2110620629");
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let err = BackendError::Timeout {
            backend: "Unioo",
            request_id: "r1".into(),
            secs: 20,
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Err(err),
            },
        );
        assert!(s.last_error.is_some());
        // F5: the same search, to the same backend, answers this time.
        let (req, _) = call_req(&key(&mut s, KeyCode::F(5)));
        let hits = Payload::Hits(crate::search::sources::Answer::default());
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(hits),
            },
        );
        assert_eq!(s.last_error, None);
    }

    #[test]
    fn the_palette_runs_a_command_by_fuzzy_name() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char(':'));
        assert!(matches!(s.overlay, Overlay::Palette { .. }));
        for c in "empl".chars() {
            key(&mut s, KeyCode::Char(c));
        }
        let effects = key(&mut s, KeyCode::Enter);
        assert!(matches!(call_req(&effects).1, Call::Employees { .. }));
        assert!(matches!(s.overlay, Overlay::None));
        assert!(matches!(s.top().kind, ViewKind::Employees(_)));
    }

    #[test]
    fn the_palette_passes_what_follows_a_command_name_as_its_arguments() {
        let palette = |s: &mut State, typed: &str| {
            key(s, KeyCode::Esc);
            key(s, KeyCode::Char(':'));
            type_text(s, typed);
            key(s, KeyCode::Enter)
        };
        let mut s = state();
        // `profile NAME`, its argument read whole, spaces around it trimmed.
        assert!(palette(&mut s, "profile  nowhere ").is_empty());
        let toast = |s: &State| s.toast.as_ref().map(|t| t.0.clone()).unwrap_or_default();
        assert!(
            toast(&s).contains("there is no config file"),
            "{}",
            toast(&s)
        );
        s.profile.profiles = vec!["sandbox".into(), "training".into()];
        assert!(matches!(
            palette(&mut s, "profile training")[..],
            [Effect::Quit]
        ));
        assert_eq!(s.switch_to.as_deref(), Some("training"));

        let mut s = state();
        // Words after a command that takes none are a fuzzy query like any other.
        assert!(palette(&mut s, "employees acme").is_empty());
        assert!(matches!(s.top().kind, ViewKind::Search(_)));
    }

    #[test]
    fn help_opens_and_closes_without_side_effects() {
        let mut s = state();
        update(
            &mut s,
            Action::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        );
        assert!(matches!(s.overlay, Overlay::Help));
        assert!(
            key(&mut s, KeyCode::Char('q')).is_empty(),
            "q closes help, it does not quit"
        );
        assert!(matches!(s.overlay, Overlay::None));
        assert!(!s.quit);
    }
}
