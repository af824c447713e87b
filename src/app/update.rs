//! `update`: routing only. Keys, results and ticks come in; each goes to the shared machinery
//! (navigation, requests, paging, overlays) or to the feature of the view it concerns, through
//! `ViewKind::feature` and `ViewKind::pane`. Synchronous and free of I/O: it changes the state
//! and returns the effects (backend calls, cancellations) for the runner to carry out.

use super::action::{Action, Effect, Payload, RequestId};
use super::features::{
    ViewKind, audit, bank_users, end_users, onboarding, pending, people, platform, review, staff,
};
use super::paging::list_rows;
use super::registry::{self, Command};
use super::requests;
use super::state::*;
use super::{copy, export, forms, palette, reveal};
use crate::backends::BackendError;
use crate::search::Target;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let top = state.top().id;
    // Only a key opens a form or brings it to its confirm step: ticks need no second look.
    let key = matches!(action, Action::Key(_));
    let effects = dispatch(state, action);
    let effects = follow(state, effects);
    if key {
        super::forms::note_proposal(state);
    }
    if state.top().id != top {
        // A revealed CPR shows only until the view changes.
        for v in &mut state.views {
            v.kind.pane_mut().set_revealed(false);
        }
    }
    effects
}

/// Carries out the effects that are the routing's own (opening another feature's record,
/// running a gated command); the rest go to the runner.
fn follow(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in effects {
        match e {
            Effect::Open(target) => {
                let more = open_target(state, *target);
                out.extend(follow(state, more));
            }
            Effect::OpenPerson { id, title } => people::open_person(state, id, title, &mut out),
            Effect::Run(command) => {
                let more = run(state, command);
                out.extend(follow(state, more));
            }
            e => out.push(e),
        }
    }
    out
}

/// A record found elsewhere (a search hit), opened in its own feature's pane.
fn open_target(state: &mut State, target: Target) -> Vec<Effect> {
    match target {
        Target::UniooPerson(id) => {
            let mut effects = Vec::new();
            people::open_person(state, id, id.to_string(), &mut effects);
            effects
        }
        Target::BankUser(id) => bank_users::open_id(state, id),
        Target::EndUser(u) => end_users::open_record(state, *u),
        Target::PlatformUser(u) => {
            platform::open_record(state, *u);
            Vec::new()
        }
        Target::Healthmov(found) => onboarding::open_found(state, *found).unwrap_or_default(),
        Target::UniooDocument(item) => {
            let mut effects = Vec::new();
            review::open_document(state, *item, &mut effects);
            effects
        }
    }
}

fn dispatch(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => {
            if state.locked {
                // Only an explicit Enter unlocks; nothing else reaches the hidden screen.
                state.last_input = state.now;
                if key.code != KeyCode::Enter || state.unlocking {
                    return Vec::new();
                }
                return match &state.profile.unlock {
                    Unlock::Enter => {
                        state.locked = false;
                        Vec::new()
                    }
                    Unlock::Command(cmd) => {
                        state.unlocking = true;
                        vec![Effect::Unlock(cmd.clone())]
                    }
                    Unlock::EndSession => Vec::new(),
                };
            }
            state.last_input = state.now;
            on_key(state, key)
        }
        Action::Key(_) => Vec::new(),
        Action::Paste(text) => {
            // Pasted text goes to the field being typed in, as typed characters, through
            // `sanitize`: what was copied elsewhere may hide controls or bidi characters.
            if state.context().typing && matches!(state.overlay, Overlay::None) {
                let feature = state.top().kind.feature();
                for c in crate::sanitize::line(&text).chars() {
                    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
                    feature.on_other_key(state, key);
                }
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            let rows = list_rows(h);
            for v in &mut state.views {
                if let Some(l) = v.kind.pane_mut().list() {
                    l.keep_visible(rows);
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
                if state.profile.unlock == Unlock::EndSession {
                    // Nothing to re-authenticate with: the session ends instead of locking.
                    let secs = state.profile.idle_lock.as_secs();
                    let (n, unit) = if secs.is_multiple_of(60) {
                        (secs / 60, "minute")
                    } else {
                        (secs, "second")
                    };
                    state.ended = Some(format!(
                        "the session ended after {n} {unit}{} without input: profile {} has no unlock_cmd to re-authenticate with",
                        if n == 1 { "" } else { "s" },
                        crate::sanitize::line(&state.profile.name)
                    ));
                    state.quit = true;
                    return vec![Effect::Quit];
                }
                state.lock();
            }
            // A toast that has had its time goes, and the screen is drawn without it.
            let toast_ended = state.toast.as_ref().is_some_and(|(_, until)| now >= *until);
            if toast_ended {
                state.toast = None;
            }
            state.tick_changed = lock || toast_ended || state.slow_request().is_some();
            if state.locked {
                return Vec::new();
            }
            let top = state.top().id;
            let open: Vec<_> = state
                .views
                .iter()
                .map(|v| (v.id, v.kind.feature()))
                .collect();
            open.into_iter()
                .flat_map(|(view, feature)| feature.on_tick(state, view, view == top))
                .collect()
        }
        // The start-up check belongs to no view: nothing cancels it, nothing waits for it.
        Action::Loaded {
            result: Ok(Payload::AuditChecked(checked)),
            ..
        } => super::central_audit::on_checked(state, checked),
        Action::Loaded { req, result } => on_loaded(state, req, result),
        Action::ImportProgress { req, progress } => {
            onboarding::on_import_progress(state, req, progress);
            Vec::new()
        }
        Action::Unlocked(result) => {
            state.unlocking = false;
            state.last_input = state.now;
            match result {
                Ok(()) => {
                    state.locked = false;
                    state.unlock_failed = None;
                }
                Err(why) => state.unlock_failed = Some(why),
            }
            Vec::new()
        }
    }
}

/// Whether the last tick changed what the screen shows (the spinner, the idle lock).
pub fn tick_redraws(state: &State) -> bool {
    state.tick_changed
}

fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    // A running import takes Ctrl-C as "stop the import", not "quit".
    if matches!(state.overlay, Overlay::Import(_)) {
        return onboarding::on_import_key(state, key);
    }
    // Ctrl-C quits from anywhere, dialogs and fields included; a form with typed input asks
    // first, as Esc does, and a second Ctrl-C quits.
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        if let Overlay::Form(f) = &mut state.overlay
            && f.stage == super::form::Stage::Editing
            && f.has_input()
        {
            f.stage = super::form::Stage::DiscardAsked;
            return Vec::new();
        }
        return run(state, Command::Quit);
    }
    if state.login.is_some() {
        return onboarding::on_login_key(state, key);
    }
    let context = state.context();
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
            let matches = palette::matches(input.value(), context);
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Up => *selected = selected.saturating_sub(1),
                KeyCode::Down => *selected = (*selected + 1).min(matches.len().saturating_sub(1)),
                KeyCode::Enter => {
                    // A mutating command named in full where it is not allowed: say why.
                    if let Some(spec) = palette::refused(input.value(), context) {
                        state.overlay = Overlay::None;
                        return run(state, spec.command);
                    }
                    let chosen = match palette::with_arguments(input.value(), context) {
                        Some(a) => Some((a.spec.command, a.args.to_string(), a.bang)),
                        None => matches
                            .get(*selected)
                            .map(|s| (s.command, String::new(), false)),
                    };
                    state.overlay = Overlay::None;
                    if let Some((c, args, bang)) = chosen {
                        return run_with(state, c, &args, bang);
                    }
                }
                _ => {
                    input.handle_event(&Event::Key(key));
                    *selected = 0;
                }
            }
            return Vec::new();
        }
        Overlay::Confirm(_) => return review::on_confirm_key(state, key),
        Overlay::Ask(_) => return super::ask::on_key(state, key),
        Overlay::Reveal { reason, error } => {
            match key.code {
                KeyCode::Esc => state.overlay = Overlay::None,
                KeyCode::Enter => return reveal::confirm(state),
                _ => {
                    reason.handle_event(&Event::Key(key));
                    *error = None;
                }
            }
            return Vec::new();
        }
        Overlay::Form(_) => {
            let feature = state.top().kind.feature();
            return forms::on_key(state, key, feature);
        }
        Overlay::Prompt(_) => return onboarding::on_prompt_key(state, key),
        Overlay::Import(_) => return onboarding::on_import_key(state, key),
        Overlay::None => {}
    }
    if state.top().kind.pane().filter().is_some_and(|f| f.typing)
        && state
            .keymap
            .lookup(&key, context)
            .is_none_or(|c| c == Command::Back)
    {
        return filter_key(state, key);
    }
    match state.keymap.lookup(&key, context) {
        Some(command) => run(state, command),
        None => state.top().kind.feature().on_other_key(state, key),
    }
}

/// A key for the list's filter field; the next page is asked for while the matches do not
/// fill the screen.
fn filter_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let rows = list_rows(state.size.1);
    if let Some(l) = state.top_mut().kind.pane_mut().list() {
        l.filter_key(key, rows);
    }
    more_matches(state, state.top().id)
}

/// Under a filter with too few matches on screen, the next page of `view`'s list.
fn more_matches(state: &mut State, view: ViewId) -> Vec<Effect> {
    let rows = list_rows(state.size.1);
    let Some(v) = state.views.iter_mut().find(|v| v.id == view) else {
        return Vec::new();
    };
    let feature = v.kind.feature();
    match v.kind.pane_mut().list() {
        Some(l) if l.wants_matches(rows) => feature.load_more(state, view),
        _ => Vec::new(),
    }
}

/// A command from the palette, with what was typed after its name (see
/// [`Command::takes_arguments`]) and whether the name ended in `!` (`export!` replaces).
fn run_with(state: &mut State, command: Command, args: &str, bang: bool) -> Vec<Effect> {
    match command {
        Command::Export => export::run(state, args, bang),
        Command::Profile => switch_profile(state, args),
        c => run(state, c),
    }
}

/// Runs a command from the registry (by key, from the palette, or after a prompt). Whether a
/// mutating command may run is decided here, once, for every way of reaching it.
pub fn run(state: &mut State, command: Command) -> Vec<Effect> {
    let here = state.top().kind.pane().context();
    if let Some(spec) = registry::applicable(command, here)
        && spec.mutating
    {
        if state.profile.read_only {
            state.show_toast(format!(
                "This profile is read-only: {} is not available.",
                spec.name
            ));
            return Vec::new();
        }
        // Production: the first change of the session waits for the profile's name.
        if state.profile.production && !state.production_unlocked {
            state.overlay =
                Overlay::Prompt(Prompt::new(PromptKind::ProductionGate { then: command }));
            return Vec::new();
        }
    }
    let feature = state.top().kind.feature();
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
            let effects = requests::cancel_views_above(state, 1);
            state.views.truncate(1);
            if let ViewKind::Search(s) = &mut state.top_mut().kind {
                s.focus = super::features::search::SearchFocus::Input;
            }
            effects
        }
        Command::Users => pane_key(state, people::open_users, |k| {
            matches!(k, ViewKind::Users(_))
        }),
        Command::Employees => pane_key(state, staff::open_list, |k| {
            matches!(k, ViewKind::Employees(_))
        }),
        Command::Review => pane_key(state, review::open_queue, |k| {
            matches!(k, ViewKind::Queue(_))
        }),
        Command::Pending => pane_key(state, pending::open_list, |k| {
            matches!(k, ViewKind::Pending(_))
        }),
        Command::Audit => pane_key(state, audit::open, |k| matches!(k, ViewKind::Audit(_))),
        Command::Onboarding => pane_key(state, onboarding::open_companies, |k| {
            matches!(k, ViewKind::Companies(_))
        }),
        Command::Platform => pane_key(state, platform::open, |k| {
            matches!(k, ViewKind::PlatformUsers(_))
        }),
        Command::EndUsers => pane_key(state, end_users::open, |k| {
            matches!(k, ViewKind::EndUsers(_))
        }),
        Command::BankUsers => pane_key(state, bank_users::open, |k| {
            matches!(k, ViewKind::BankUsers(_))
        }),
        Command::FindExternalId => onboarding::find_external_id(state),
        Command::AddNote => super::features::notes::add(state),
        Command::Timeline => super::features::notes::open_timeline(state),
        Command::Refresh => {
            let mut effects = requests::cancel_views_above(state, state.views.len() - 1);
            effects.extend(feature.refresh(state));
            effects
        }
        Command::Copy => copy::run(state),
        Command::Export => export::run(state, "", false),
        Command::Profile => switch_profile(state, ""),
        Command::Reveal => {
            reveal::ask(state);
            Vec::new()
        }
        Command::Open => feature.open(state),
        Command::Filter => {
            let rows = list_rows(state.size.1);
            match state.top_mut().kind.pane_mut().list() {
                Some(l) => {
                    l.start_filter(rows);
                    Vec::new()
                }
                // A view with its own filter (the audit trail).
                None => feature.on_command(state, command),
            }
        }
        Command::Up
        | Command::Down
        | Command::PageUp
        | Command::PageDown
        | Command::Top
        | Command::Bottom => {
            let rows = list_rows(state.size.1);
            let view = state.top().id;
            match state.top_mut().kind.pane_mut().list() {
                // Page in ahead of the cursor, so scrolling rarely waits.
                Some(l) => match l.move_cursor(command, rows) {
                    true => feature.load_more(state, view),
                    false => Vec::new(),
                },
                None => feature.on_command(state, command),
            }
        }
        Command::SwitchFocus
        | Command::NextTab
        | Command::PrevTab
        | Command::Tab1
        | Command::Tab2
        | Command::Tab3
        | Command::Tab4
        | Command::Sort
        | Command::Kinds
        | Command::Approve
        | Command::ConfirmProposal
        | Command::DeclineProposal
        | Command::Reject
        | Command::Zoom
        | Command::New
        | Command::Edit
        | Command::AddDependent
        | Command::EditDependent
        | Command::Offboard
        | Command::Import
        | Command::Activate
        | Command::Deactivate
        | Command::MoveGroup
        | Command::RequestChange
        | Command::Block
        | Command::SetStatus => feature.on_command(state, command),
    }
}

/// A pane key starts a new trail from the search (the breadcrumbs do not pile up), unless
/// that pane is open already: then it goes back to it, as loaded.
fn pane_key(
    state: &mut State,
    open: fn(&mut State) -> Vec<Effect>,
    is: fn(&ViewKind) -> bool,
) -> Vec<Effect> {
    if state.views.iter().any(|v| is(&v.kind)) {
        return open(state);
    }
    let mut effects = requests::cancel_views_above(state, 1);
    state.views.truncate(1);
    effects.extend(open(state));
    effects
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

/// Esc: cancel what the current view is waiting for; if nothing, close what is open inside
/// it, or go back.
fn back(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let running = requests::of_view(state, view);
    let mut effects = Vec::new();
    if !running.is_empty() {
        for r in running {
            requests::cancel(state, r, &mut effects);
        }
        state.top_mut().kind.pane_mut().cancelled();
        return effects;
    }
    let rows = list_rows(state.size.1);
    if let Some(l) = state.top_mut().kind.pane_mut().list()
        && l.clear_filter(rows)
    {
        return effects;
    }
    let depth = state.views.len();
    if !state.top_mut().kind.pane_mut().back() && depth > 1 {
        effects.extend(requests::closing(state, depth - 1));
        state.views.pop();
    }
    effects
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
    if let Ok(Payload::Proposed(_)) = &result {
        let key = state.keymap.label(super::registry::Command::Pending);
        state.show_toast(format!("Proposed, not sent ({key} lists proposals)"));
    }
    if matches!(&state.overlay, Overlay::Form(f) if f.sending == Some(req)) {
        let feature = match state.views.iter().find(|v| v.id == flight.view) {
            Some(v) => v.kind.feature(),
            None => return Vec::new(),
        };
        return forms::on_loaded(state, flight.view, req, result, feature);
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
    let took = state.now.saturating_duration_since(flight.started);
    if let Some(backend) = flight.backend
        && let Some(health) = requests::health_after(&result, took)
    {
        state.health.insert(backend, health);
    }
    let from = Some((flight.what, flight.backend));
    match &result {
        // The login prompt is open and says what to do.
        Err(BackendError::LoginNeeded { .. }) => {}
        Err(e) => (state.last_error, state.last_error_from) = (Some(e.to_string()), from),
        // It works again: its old error in red would only mislead.
        Ok(_) if state.last_error_from == from => {
            (state.last_error, state.last_error_from) = (None, None)
        }
        Ok(_) => {}
    }
    if let Some(effects) = super::features::notes::on_sent(state, req, &result) {
        return effects;
    }
    if state.copy_after.as_ref().is_some_and(|(r, ..)| *r == req) {
        return copy::on_audited(state, req, result.is_ok());
    }
    if let Ok(Payload::Exported { path, rows }) = &result {
        state.show_toast(format!("Exported {rows} rows to {}", path.display()));
        return Vec::new();
    }
    let Some(view) = state.view_mut(flight.view) else {
        return Vec::new();
    };
    let feature = view.kind.feature();
    let mut effects = feature.on_loaded(state, flight.view, req, result);
    // New rows are matched against the list's filter, and paging goes on while the
    // matches do not fill the screen.
    let rows = list_rows(state.size.1);
    if let Some(l) = state
        .view_mut(flight.view)
        .and_then(|v| v.kind.pane_mut().list())
    {
        l.refilter(rows);
    }
    effects.extend(more_matches(state, flight.view));
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::Call;
    use crate::app::test_support::*;
    use crossterm::event::KeyModifiers;
    use std::time::Duration;

    /// Unioo's answer: these people.
    fn found(people: &[PersonSummary]) -> Result<Payload, BackendError> {
        Ok(Payload::Search(
            crate::app::features::search::calls::Payload::Hits(crate::search::sources::Answer {
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
            }),
        ))
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
        let Call::Search(crate::app::features::search::calls::Call::Ask {
            query: crate::search::Query::Cpr(cpr),
            ..
        }) = call
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
        assert_eq!(
            call_req(&effects).1,
            Call::People(crate::app::features::people::calls::Call::Person(p.id))
        );
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
        assert!(matches!(
            call_req(&effects).1,
            Call::People(crate::app::features::people::calls::Call::Person(_))
        ));
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
    fn f_filters_a_list_as_you_type_pages_on_for_matches_and_esc_drops_it() {
        use crate::app::features::people::calls as people_calls;
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('u')));
        let page = |names: &[&str], next: Option<&str>| {
            Ok(Payload::People(people_calls::Payload::Users(Page {
                items: names.iter().map(|n| person(n)).collect(),
                total: 4,
                next_cursor: next.map(str::to_string),
            })))
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: page(&["Ida", "Mads", "Idun"], Some("c1")),
            },
        );
        let users = |s: &State| match &s.top().kind {
            ViewKind::Users(l) => l.rows.iter().map(|p| p.first_name.clone()).collect(),
            _ => Vec::<String>::new(),
        };
        let shown = |s: &State| match &s.top().kind {
            ViewKind::Users(l) => l
                .on_screen()
                .0
                .iter()
                .map(|p| p.first_name.clone())
                .collect(),
            _ => Vec::<String>::new(),
        };
        key(&mut s, KeyCode::Char('f'));
        assert!(s.context().typing, "the filter has the keys");
        // Too few matches for the screen: the next page is asked for, once.
        let mut effects = key(&mut s, KeyCode::Char('i'));
        // `d` types; it does not run a command.
        effects.extend(key(&mut s, KeyCode::Char('d')));
        assert_eq!(calls(&effects).len(), 1);
        assert_eq!(shown(&s), vec!["Ida", "Idun"]);
        let (next, call) = call_req(&effects);
        assert!(
            matches!(call, Call::People(people_calls::Call::Users { after: Some(ref a), .. }) if a == "c1"),
            "{call:?}"
        );
        update(
            &mut s,
            Action::Loaded {
                req: next,
                result: page(&["Ida Two"], None),
            },
        );
        assert_eq!(
            shown(&s),
            vec!["Ida", "Idun", "Ida Two"],
            "new rows matched"
        );
        // Enter keeps the filter and gives the keys back: `j` moves among the matches.
        key(&mut s, KeyCode::Enter);
        assert!(!s.context().typing);
        key(&mut s, KeyCode::Char('j'));
        match &s.top().kind {
            ViewKind::Users(l) => assert_eq!(l.rows[l.selected].first_name, "Idun"),
            _ => panic!(),
        }
        // Esc drops the filter (every row again), and only the next Esc goes back.
        key(&mut s, KeyCode::Esc);
        assert_eq!(shown(&s), users(&s));
        assert_eq!(shown(&s).len(), 4);
        assert!(matches!(s.top().kind, ViewKind::Users(_)));
        key(&mut s, KeyCode::Esc);
        assert!(matches!(s.top().kind, ViewKind::Search(_)));
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
    fn pasted_text_is_typed_without_controls_bidi_or_zero_width_characters() {
        let mut s = state();
        update(
            &mut s,
            Action::Paste("Ann\u{202E}\u{200B}\x1b[2J\r\nLee".into()),
        );
        assert_eq!(search(&s).input.value(), "Ann[2J Lee");
    }

    #[test]
    fn the_users_list_pages_in_ahead_of_the_cursor() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('u')));
        assert_eq!(
            call,
            Call::People(crate::app::features::people::calls::Call::Users {
                after: None,
                sort: Sort::default()
            })
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
                result: Ok(Payload::People(
                    crate::app::features::people::calls::Payload::Users(page(100, Some("c1"))),
                )),
            },
        );
        // Near the top: no request.
        assert!(key(&mut s, KeyCode::Down).is_empty());
        // Two screens from the end: the next page is asked for, once.
        let effects = key(&mut s, KeyCode::Char('G'));
        let (req2, call) = call_req(&effects);
        assert_eq!(
            call,
            Call::People(crate::app::features::people::calls::Call::Users {
                after: Some("c1".into()),
                sort: Sort::default()
            })
        );
        assert!(
            key(&mut s, KeyCode::Up).is_empty(),
            "no second request while one is on its way"
        );
        update(
            &mut s,
            Action::Loaded {
                req: req2,
                result: Ok(Payload::People(
                    crate::app::features::people::calls::Payload::Users(page(150, None)),
                )),
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
        assert_eq!(
            call_req(&effects).1,
            Call::People(crate::app::features::people::calls::Call::Users { after: None, sort })
        );
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
            result: Ok(Payload::Search(
                crate::app::features::search::calls::Payload::Hits(
                    crate::search::sources::Answer {
                        hits: Vec::new(),
                        capped: false,
                    },
                ),
            )),
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
        let hits = Payload::Search(crate::app::features::search::calls::Payload::Hits(
            crate::search::sources::Answer::default(),
        ));
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
        assert!(matches!(
            call_req(&effects).1,
            Call::Staff(crate::app::features::staff::calls::Call::Page { .. })
        ));
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

    fn bank_user(id: u64) -> crate::core::banking::BankUser {
        crate::core::banking::BankUser {
            id,
            first_name: format!("U{id}"),
            status: "ACTIVE".into(),
            ..Default::default()
        }
    }

    /// The bunq users list loaded with `n` users.
    fn bank_users(n: u64) -> State {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('B')));
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::BankUsers(
                    crate::app::features::bank_users::calls::Payload::Page(Page {
                        items: (1..=n).map(bank_user).collect(),
                        total: n as usize,
                        next_cursor: None,
                    }),
                )),
            },
        );
        s
    }

    #[test]
    fn read_only_refuses_every_mutating_command_by_every_way_and_says_why() {
        let mut s = bank_users(3);
        s.profile.read_only = true;
        // Keys: `b` is not bound to anything here.
        assert!(key(&mut s, KeyCode::Char('b')).is_empty());
        assert!(matches!(s.overlay, Overlay::None));
        // Help and palette read the same context: nothing mutating is offered.
        assert!(registry::available(s.context()).all(|spec| !spec.mutating));
        assert!(
            palette::matches("", s.context())
                .iter()
                .all(|spec| !spec.mutating)
        );
        // Reached another way (a gated prompt, a script of keys), it is refused out loud.
        assert!(run(&mut s, Command::Block).is_empty());
        assert!(matches!(s.overlay, Overlay::None));
        let toast = s.toast.as_ref().map(|t| t.0.clone()).unwrap_or_default();
        assert!(
            toast.contains("read-only") && toast.contains("block"),
            "{toast}"
        );
        // Typed in full in the palette: refused with the same words, nothing else runs.
        s.toast = None;
        key(&mut s, KeyCode::Char(':'));
        type_text(&mut s, "block");
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        let toast = s.toast.as_ref().map(|t| t.0.clone()).unwrap_or_default();
        assert!(toast.contains("read-only"), "{toast}");
        assert!(
            matches!(s.top().kind, ViewKind::BankUsers(_)),
            "nothing else ran"
        );
    }

    #[test]
    fn a_command_with_several_specs_is_judged_by_the_one_that_applies_here() {
        // `E` is "edit-company" on companies and "edit-bunq-user" here; both mutate, and the
        // refusal names the one on this screen.
        let mut s = bank_users(1);
        s.profile.read_only = true;
        run(&mut s, Command::Edit);
        let toast = s.toast.as_ref().map(|t| t.0.clone()).unwrap_or_default();
        assert!(toast.contains("edit-bunq-user"), "{toast}");
    }

    #[test]
    fn a_resize_keeps_the_cursor_on_screen_in_every_list() {
        // bunq users: at the bottom of 300 on a tall terminal, then the terminal shrinks.
        let mut s = bank_users(300);
        update(&mut s, Action::Resize(80, 60));
        key(&mut s, KeyCode::Char('G'));
        update(&mut s, Action::Resize(80, 10));
        let ViewKind::BankUsers(l) = &s.top().kind else {
            panic!()
        };
        assert_eq!(l.selected, 299);
        assert!(
            l.offset <= l.selected && l.selected < l.offset + list_rows(10),
            "offset {} hides row {}",
            l.offset,
            l.selected
        );
        // The review queue too.
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('v')));
        update(&mut s, Action::Resize(80, 60));
        let items = (0..200u8)
            .map(|n| crate::core::ReviewItem {
                document_id: uuid::Uuid::from_bytes([n; 16]),
                kind: crate::core::DocumentKind::PhotoLegitimation,
                version: 1,
                state: crate::core::LegitimationState::Pending,
                created: None,
                expires: None,
                person: person("Q"),
                cpr: None,
            })
            .collect();
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Review(
                    crate::app::features::review::calls::Payload::Queue(Page {
                        items,
                        total: 200,
                        next_cursor: None,
                    }),
                )),
            },
        );
        key(&mut s, KeyCode::Char('G'));
        update(&mut s, Action::Resize(80, 10));
        let ViewKind::Queue(q) = &s.top().kind else {
            panic!()
        };
        assert!(
            q.list.offset <= q.list.selected && q.list.selected < q.list.offset + list_rows(10)
        );
    }

    #[test]
    fn a_pane_key_starts_a_new_trail_instead_of_piling_it_up() {
        let mut s = bank_users(2);
        key(&mut s, KeyCode::Char('v'));
        key(&mut s, KeyCode::Char('u'));
        assert_eq!(s.breadcrumbs(), ["Search", "Users"]);
        // The bunq list is gone from the trail; opening it again starts from the search.
        key(&mut s, KeyCode::Char('B'));
        assert_eq!(s.breadcrumbs(), ["Search", "bunq users"]);
    }

    #[test]
    fn ctrl_c_in_a_form_with_typed_input_asks_first_and_a_second_quits() {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('e'));
        key(&mut s, KeyCode::Char('n'));
        type_text(&mut s, "ida");
        assert!(ctrl(&mut s, 'c').is_empty(), "asks, does not quit");
        assert!(
            matches!(&s.overlay, Overlay::Form(f) if f.stage == super::super::form::Stage::DiscardAsked)
        );
        assert_eq!(ctrl(&mut s, 'c'), vec![Effect::Quit]);
    }

    /// Moves tokio's clock on `secs` seconds, a tick each second.
    async fn idle(s: &mut State, secs: u64) {
        for _ in 0..secs {
            tokio::time::advance(Duration::from_secs(1)).await;
            update(s, Action::Tick(tokio::time::Instant::now().into_std()));
        }
    }

    fn idle_state(unlock: Unlock) -> State {
        let mut s = state();
        s.profile.idle_lock = Duration::from_secs(60);
        s.profile.unlock = unlock;
        s.now = tokio::time::Instant::now().into_std();
        s.last_input = s.now;
        s
    }

    fn person_revealed(s: &State) -> bool {
        s.views
            .iter()
            .any(|v| matches!(&v.kind, ViewKind::Person(p) if p.revealed))
    }

    #[tokio::test(start_paused = true)]
    async fn unlocking_runs_the_unlock_cmd_and_only_its_success_unlocks() {
        let mut s = idle_state(Unlock::Command("check-key".into()));
        let mut effects = Vec::new();
        crate::app::features::people::open_person(
            &mut s,
            uuid::Uuid::nil(),
            "Ann".into(),
            &mut effects,
        );
        let ViewKind::Person(p) = &mut s.views.last_mut().unwrap().kind else {
            panic!("a person")
        };
        p.revealed = true;
        s.overlay = Overlay::Confirm(Confirm {
            reject: false,
            reason: 0,
            detail: Default::default(),
            error: None,
        });
        idle(&mut s, 59).await;
        assert!(!s.locked && person_revealed(&s), "not before the minute");
        idle(&mut s, 2).await;
        assert!(s.locked);
        assert!(!person_revealed(&s), "locking masks what was revealed");
        assert!(
            matches!(s.overlay, Overlay::None),
            "and closes the confirmation"
        );
        // Enter asks for the command; nothing else does, and a second Enter waits for it.
        assert!(key(&mut s, KeyCode::Char('q')).is_empty());
        assert_eq!(
            key(&mut s, KeyCode::Enter),
            vec![Effect::Unlock("check-key".into())]
        );
        assert!(key(&mut s, KeyCode::Enter).is_empty(), "already running");
        update(
            &mut s,
            Action::Unlocked(Err("unlock_cmd exited with status 1".into())),
        );
        assert!(s.locked && !s.unlocking);
        assert_eq!(
            s.unlock_failed.as_deref(),
            Some("unlock_cmd exited with status 1")
        );
        assert_eq!(
            key(&mut s, KeyCode::Enter),
            vec![Effect::Unlock("check-key".into())]
        );
        update(&mut s, Action::Unlocked(Ok(())));
        assert!(!s.locked && s.unlock_failed.is_none() && !s.quit);
        assert!(!person_revealed(&s), "a reveal is asked for again");
    }

    #[tokio::test(start_paused = true)]
    async fn without_an_unlock_cmd_the_session_ends_at_idle_and_says_why() {
        let mut s = idle_state(Unlock::EndSession);
        s.profile.name = "prod".into();
        type_text(&mut s, "2110");
        idle(&mut s, 59).await;
        assert!(!s.quit && s.ended.is_none());
        idle(&mut s, 2).await;
        assert!(s.quit && !s.locked);
        assert_eq!(
            s.ended.as_deref(),
            Some(
                "the session ended after 1 minute without input: profile prod has no unlock_cmd to re-authenticate with"
            )
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_sandbox_unlocks_with_enter_and_a_form_keeps_its_draft() {
        let mut s = idle_state(Unlock::Enter);
        type_text(&mut s, "2110");
        idle(&mut s, 61).await;
        assert!(s.locked);
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        assert!(!s.locked);
        assert_eq!(search(&s).input.value(), "2110");
    }
}
