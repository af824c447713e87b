//! Everything the console knows at one moment. `update` changes it; `ui::draw` reads it.

use super::action::RequestId;
use super::features::search::{SearchFocus, SearchView};
use super::features::{View, ViewKind};
use super::registry::Context;
use jiff::civil::Date;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tui_input::Input;

/// A spinner shows only for requests slower than this, so fast answers never flicker.
pub const SPINNER_DELAY: Duration = Duration::from_millis(100);

pub type ViewId = u64;

#[derive(Debug, Clone)]
pub struct ProfileInfo {
    pub name: String,
    pub production: bool,
    pub backend: &'static str,
    /// Language for document type names.
    pub language: String,
    /// No mutating action is shown or reachable.
    pub read_only: bool,
    /// Offered first when rejecting a document.
    pub reject_reasons: Vec<String>,
    /// The Healthmov user, when the profile has Healthmov (for the login prompt).
    pub healthmov_user: Option<String>,
    /// Lock the screen after this long without a key.
    pub idle_lock: Duration,
    /// What unlocks the screen after idling.
    pub unlock: Unlock,
    /// The backends `/` searches (Unioo always; the rest when configured).
    pub search_sources: Vec<crate::search::Source>,
    /// The config's profiles, for `:profile NAME`.
    pub profiles: Vec<String>,
    /// Where `:export` writes: a file with no path, and a relative path. `None` (no data
    /// directory, no `export_dir`): only a path given in full.
    pub export_dir: Option<std::path::PathBuf>,
    /// How long a claim on a review document lasts without renewal (renewed at a third).
    pub claim_ttl: Duration,
    /// The actions a second operator must confirm (`four_eyes`): proposed, not sent.
    pub four_eyes: Vec<String>,
}

/// Reasons offered when the profile names none.
pub const DEFAULT_REJECT_REASONS: [&str; 4] = [
    "Image is blurred or unreadable",
    "Document has expired",
    "Name does not match",
    "Part of the document is hidden",
];

/// The longest idle time before the screen locks, whatever the config says.
pub const MAX_IDLE_LOCK: Duration = Duration::from_secs(15 * 60);

/// How the operator proves it is still them after idling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unlock {
    /// Enter unlocks: the sandbox only.
    Enter,
    /// The profile's `unlock_cmd`, run with the terminal: unlocked when it exits 0.
    Command(String),
    /// No way to re-authenticate: the session ends at idle instead of locking.
    EndSession,
}

impl ProfileInfo {
    /// A profile with the defaults: for the sandbox and for tests.
    pub fn new(name: &str, backend: &'static str) -> ProfileInfo {
        ProfileInfo {
            name: name.into(),
            production: false,
            backend,
            language: "en".into(),
            read_only: false,
            reject_reasons: DEFAULT_REJECT_REASONS
                .iter()
                .map(|r| r.to_string())
                .collect(),
            idle_lock: MAX_IDLE_LOCK,
            unlock: Unlock::Enter,
            healthmov_user: None,
            search_sources: vec![crate::search::Source::Unioo],
            profiles: Vec::new(),
            export_dir: None,
            claim_ttl: Duration::from_secs(15 * 60),
            four_eyes: Vec::new(),
        }
    }

    /// Whether `action` (an audit action name) needs a second operator's confirmation.
    pub fn needs_four_eyes(&self, action: &str) -> bool {
        self.four_eyes.iter().any(|a| a == action)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Resource<T> {
    Idle,
    Loading(RequestId),
    Loaded(T),
    Failed(String),
}

impl<T> Resource<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Resource::Loaded(t) => Some(t),
            _ => None,
        }
    }
    pub fn is_loading(&self) -> bool {
        matches!(self, Resource::Loading(_))
    }
}

/// How a backend did on its last answer (slow is also judged live, from what is in flight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    /// Answered, but took longer than [`SLOW_AFTER`].
    Slow,
    /// Asked us to wait (HTTP 429).
    Throttled,
    /// Unreachable, timed out, or failing on its side (5xx).
    Down,
    /// Answering, but with answers that cannot be used (unreadable, or a signature refused).
    Failing,
    AuthFailed,
}

impl Health {
    pub fn word(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Slow => "slow",
            Health::Throttled => "throttled",
            Health::Down => "down",
            Health::Failing => "failing",
            Health::AuthFailed => "auth failed",
        }
    }
}

/// Each backend's health as last seen.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BackendHealth(Vec<(&'static str, Health)>);

impl BackendHealth {
    pub fn insert(&mut self, backend: &'static str, h: Health) {
        match self.0.iter_mut().find(|(b, _)| *b == backend) {
            Some(entry) => entry.1 = h,
            None => self.0.push((backend, h)),
        }
    }

    pub fn get(&self, backend: &str) -> Option<Health> {
        self.0.iter().find(|(b, _)| *b == backend).map(|(_, h)| *h)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Health)> + '_ {
        self.0.iter().copied()
    }
}

/// How long a toast stays.
pub const TOAST_FOR: Duration = Duration::from_secs(3);

/// A backend whose request runs longer than this is shown as slow.
pub const SLOW_AFTER: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub enum Overlay {
    None,
    Help,
    Palette {
        input: Input,
        selected: usize,
    },
    Confirm(Confirm),
    /// Asks why the full CPR is needed before revealing it.
    Reveal {
        reason: Input,
        error: Option<String>,
    },
    Form(super::form::Form),
    /// One line to type: an external id, a file to import, a password.
    Prompt(Prompt),
    /// A bulk import: the check's result, then progress, then the report.
    Import(Box<ImportRun>),
    /// A line of text for a team action: a note, why a claim is taken over.
    Ask(Box<super::ask::Ask>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    FindExternalId,
    /// A CSV file to import into this company (and department, for rows that name none).
    ImportFile {
        company_id: String,
        department_id: Option<String>,
        into: String,
    },
    /// The Healthmov password; then `view` is loaded again.
    Login {
        username: String,
        view: ViewId,
        /// Healthmov refused a password or session; `false` before the first login, when
        /// nothing has been refused.
        refused: bool,
    },
    /// A production profile: its name typed before the session's first change, then `then`.
    ProductionGate {
        then: super::registry::Command,
    },
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    pub error: Option<String>,
    pub sending: Option<RequestId>,
}

impl Prompt {
    pub fn new(kind: PromptKind) -> Prompt {
        Prompt {
            kind,
            input: Input::default(),
            error: None,
            sending: None,
        }
    }
}

#[derive(Debug)]
pub enum ImportStage {
    Checking(RequestId),
    /// Checked: Enter starts it.
    Ready(Box<crate::onboarding::run::Checked>),
    Running {
        req: RequestId,
        progress: Option<crate::onboarding::upload::Progress>,
        stopping: bool,
    },
    Done(crate::onboarding::run::Report),
    Failed(String),
}

#[derive(Debug)]
pub struct ImportRun {
    pub path: std::path::PathBuf,
    pub company_id: String,
    pub department_id: Option<String>,
    pub into: String,
    pub stage: ImportStage,
}

/// The confirm dialog of a decision.
#[derive(Debug)]
pub struct Confirm {
    pub reject: bool,
    /// Rejections: the index into the profile's reasons; one past the end is "Other".
    pub reason: usize,
    pub detail: Input,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct InFlight {
    pub view: ViewId,
    pub started: Instant,
    pub what: &'static str,
    /// Where it went, for that backend's health.
    pub backend: Option<&'static str>,
}

#[derive(Debug)]
pub struct State {
    pub profile: ProfileInfo,
    /// Never empty: the search view is at the bottom.
    pub views: Vec<View>,
    pub overlay: Overlay,
    pub requests: HashMap<RequestId, InFlight>,
    /// Each backend's health, in the order first heard from.
    pub health: BackendHealth,
    pub last_error: Option<String>,
    /// The kind of request and backend `last_error` came from: the same request working
    /// again clears it. `None` for errors no request can clear (the audit log at start-up).
    pub last_error_from: Option<(&'static str, Option<&'static str>)>,
    pub now: Instant,
    pub today: Date,
    pub size: (u16, u16),
    pub quit: bool,
    /// The keys bound: defaults with the config's `[keys]`.
    pub keymap: super::keymap::Keymap,
    /// Locked after idling: nothing personal is drawn until the operator unlocks.
    pub locked: bool,
    /// The `unlock_cmd` is running: keys wait for it.
    pub unlocking: bool,
    /// Why the last unlock failed, shown on the lock screen.
    pub unlock_failed: Option<String>,
    /// Why the session ended by itself (idle with no way to re-authenticate): said on
    /// stderr once the terminal is restored.
    pub ended: Option<String>,
    pub last_input: Instant,
    /// Set by a tick that changed what is on screen.
    pub tick_changed: bool,
    /// A short confirmation in the status bar, until the instant given.
    pub toast: Option<(String, Instant)>,
    /// `:profile NAME`: the console starts again on that profile once this state ends.
    pub switch_to: Option<String>,
    /// In a production profile: the operator typed its name, so changes may be made.
    pub production_unlocked: bool,
    /// What is wrong with the audit log, in red at the top until the console ends: a last
    /// line cut short at open, a team store copy that differs.
    pub audit_warnings: Vec<String>,
    /// A copy waiting for its audit record, and the toast once it may go.
    pub copy_after: Option<(RequestId, super::action::Clip, String)>,
    /// Healthmov asks for its password: drawn over everything, the rest is kept beneath.
    pub login: Option<Prompt>,
    /// Case notes on their way to the team store, and one it did not take.
    pub notes: super::features::notes::Outbox,
    next_id: u64,
}

impl State {
    pub fn new(profile: ProfileInfo, size: (u16, u16), now: Instant, today: Date) -> State {
        let mut s = State {
            profile,
            views: Vec::new(),
            overlay: Overlay::None,
            requests: HashMap::new(),
            health: BackendHealth::default(),
            last_error: None,
            last_error_from: None,
            now,
            today,
            size,
            quit: false,
            keymap: Default::default(),
            locked: false,
            unlocking: false,
            unlock_failed: None,
            ended: None,
            last_input: now,
            tick_changed: false,
            toast: None,
            copy_after: None,
            audit_warnings: Vec::new(),
            production_unlocked: false,
            switch_to: None,
            login: None,
            notes: Default::default(),
            next_id: 1,
        };
        let search = ViewKind::Search(SearchView {
            input: Input::default(),
            focus: SearchFocus::Input,
            error: None,
            submitted: None,
            sources: Vec::new(),
            results: Vec::new(),
            selected: 0,
            advice: None,
        });
        s.push(search);
        s
    }

    /// Opens the login prompt after Healthmov refused the session; `view` loads again after.
    pub fn ask_login(&mut self, view: ViewId, e: &crate::backends::BackendError) {
        if self.login.as_ref().is_some_and(|l| l.sending.is_some()) {
            return;
        }
        let username = self.profile.healthmov_user.clone().unwrap_or_default();
        // Before the first login nothing was refused: no error to show.
        let refusal = match e {
            crate::backends::BackendError::Unauthorized { detail, .. } => Some(detail.clone()),
            _ => None,
        };
        let mut p = Prompt::new(PromptKind::Login {
            username,
            view,
            refused: refusal.is_some(),
        });
        p.error = refusal;
        self.login = Some(p);
    }

    /// A short confirmation in the status line for [`TOAST_FOR`].
    pub fn show_toast(&mut self, text: String) {
        self.toast = Some((text, self.now + TOAST_FOR));
    }

    /// Each backend's health now: as last answered, or slow while a request to it has been
    /// waiting longer than [`SLOW_AFTER`].
    pub fn health_now(&self) -> Vec<(&'static str, Health)> {
        let mut out: Vec<(&'static str, Health)> = self.health.iter().collect();
        for r in self.requests.values() {
            let Some(b) = r.backend else { continue };
            let waiting = self.now.saturating_duration_since(r.started) >= SLOW_AFTER;
            match out.iter_mut().find(|(x, _)| *x == b) {
                Some((_, h)) if waiting && *h == Health::Ok => *h = Health::Slow,
                Some(_) => {}
                None if waiting => out.push((b, Health::Slow)),
                None => {}
            }
        }
        out
    }

    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn push(&mut self, kind: ViewKind) -> ViewId {
        let id = self.next_id();
        self.views.push(View { id, kind });
        id
    }

    pub fn top(&self) -> &View {
        self.views.last().expect("the view stack is never empty")
    }

    pub fn top_mut(&mut self) -> &mut View {
        self.views
            .last_mut()
            .expect("the view stack is never empty")
    }

    pub fn view_mut(&mut self, id: ViewId) -> Option<&mut View> {
        self.views.iter_mut().find(|v| v.id == id)
    }

    /// Locking closes dialogs that could show personal data; drafts in views are kept.
    pub fn overlay_before_lock(&mut self) {
        if matches!(self.overlay, Overlay::Help | Overlay::Palette { .. }) {
            self.overlay = Overlay::None;
        }
    }

    /// Locks the screen after idling: every revealed CPR is masked again and a dialog that
    /// would act on one key (a confirmation, a reveal's reason) is closed; forms, prompts and
    /// an import keep what was typed.
    pub fn lock(&mut self) {
        self.locked = true;
        self.unlock_failed = None;
        self.overlay_before_lock();
        if matches!(self.overlay, Overlay::Confirm(_) | Overlay::Reveal { .. }) {
            self.overlay = Overlay::None;
        }
        for v in &mut self.views {
            v.kind.pane_mut().set_revealed(false);
        }
    }

    /// Midnight UTC of `today`: what ages and expiry are judged against on screen, so a
    /// screen drawn twice the same day is the same.
    pub fn today_start(&self) -> jiff::Timestamp {
        self.today
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(jiff::Timestamp::MIN)
    }

    /// What the keys mean now, read-only profiles included: the one place read-only is
    /// applied, so keys, help, the palette and the hints all leave out mutating actions.
    pub fn context(&self) -> Context {
        let pane = self.top().kind.pane();
        // A list's filter field has the keys: only Ctrl, F-keys and Esc run commands.
        let context = match pane.filter() {
            Some(f) if f.typing => crate::app::registry::TYPING,
            _ => pane.context(),
        };
        context.read_only(self.profile.read_only)
    }

    /// What a table cell may depend on besides its row, as the screen shows it now.
    pub fn shown(&self) -> crate::app::columns::Shown<'_> {
        crate::app::columns::Shown {
            today: self.today_start(),
            language: &self.profile.language,
        }
    }

    pub fn breadcrumbs(&self) -> Vec<String> {
        self.views.iter().map(View::title).collect()
    }

    /// The oldest request still running past the spinner delay, for the status bar.
    pub fn slow_request(&self) -> Option<&InFlight> {
        self.requests
            .values()
            .filter(|r| self.now.saturating_duration_since(r.started) >= SPINNER_DELAY)
            .min_by_key(|r| r.started)
    }

    /// Spinner frame, advancing every 100 ms.
    pub fn spinner(&self) -> char {
        const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
        let started = self
            .requests
            .values()
            .map(|r| r.started)
            .min()
            .unwrap_or(self.now);
        let n = self.now.saturating_duration_since(started).as_millis() / 100;
        FRAMES[n as usize % FRAMES.len()]
    }
}
