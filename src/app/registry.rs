//! The one action registry: every command's name, default keys, description and where it
//! applies. Key handling, the `?` help overlay and the `:` palette all read it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    Help,
    Palette,
    Back,
    Search,
    Users,
    Employees,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NextTab,
    PrevTab,
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    Sort,
    Refresh,
    SwitchFocus,
    Review,
    Audit,
    Approve,
    Reject,
    Zoom,
    Reveal,
    Filter,
    Kinds,
    New,
    Onboarding,
    FindExternalId,
    Edit,
    AddDependent,
    EditDependent,
    Offboard,
    Import,
    Platform,
    Activate,
    Deactivate,
    MoveGroup,
    EndUsers,
    RequestChange,
    Copy,
    Export,
    Profile,
    BankUsers,
    Block,
    SetStatus,
    Pending,
    ConfirmProposal,
    DeclineProposal,
    AddNote,
    Timeline,
}

impl Command {
    /// Typed in the palette after the command's name: `export csv PATH`, `profile NAME`.
    pub fn takes_arguments(self) -> bool {
        matches!(self, Command::Export | Command::Profile)
    }
}

/// Where a command can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    /// Any list or table (search results, users, employees, roles, documents).
    Lists,
    Person,
    Search,
    /// Users and employees lists (server-side sorting).
    PagedLists,
    /// The review queue.
    Queue,
    /// One document under review.
    Document,
    /// Screens that show a masked CPR that can be revealed.
    Cpr,
    /// The audit trail pane.
    AuditTrail,
    /// The bank employees list.
    Staff,
    /// Healthmov client companies.
    Companies,
    /// A company's departments.
    Departments,
    /// A department's employees.
    ClientEmployees,
    /// One client employee and their dependents.
    ClientEmployee,
    /// Lists and details of client employees.
    ClientStaff,
    /// VASCO platform users, list and detail.
    Platform,
    /// The VASCO users list.
    PlatformList,
    /// Upvest end users, list and detail.
    Investors,
    /// The Upvest end users list.
    InvestorList,
    /// bunq users, list and detail.
    Banking,
    /// Lists of loaded rows a text filter narrows (`f`).
    Filterable,
    /// One four-eyes proposal.
    Proposal,
    /// One record, or its timeline: an internal note can be added to it.
    Notes,
    /// One record whose timeline the team store keeps (a person, a document, a user).
    Record,
}

/// A key as written in the registry and shown in help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}
const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}
const fn code(c: KeyCode) -> Key {
    Key {
        code: c,
        mods: KeyModifiers::NONE,
    }
}

impl Key {
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        // Shift is part of the character for letters and symbols ('G', '?', ':'), and of
        // Shift-Tab, which terminals send as BackTab with Shift held.
        let mods = if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            ev.modifiers - KeyModifiers::SHIFT
        } else {
            ev.modifiers
        };
        self.code == ev.code && self.mods == mods
    }

    /// Printable keys without Ctrl or Alt would type into a focused text field.
    pub fn types_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

pub struct Spec {
    pub command: Command,
    /// Changes data on a backend: hidden and unreachable in read-only profiles.
    pub mutating: bool,
    /// The name typed in the palette.
    pub name: &'static str,
    pub keys: &'static [Key],
    pub description: &'static str,
    pub scope: Scope,
}

/// Every command, in the order help lists them.
#[rustfmt::skip]
pub static REGISTRY: &[Spec] = &[
    Spec { command: Command::Quit, mutating: false, name: "quit", keys: &[k('q'), ctrl('c')], description: "Quit backoffice", scope: Scope::Everywhere },
    Spec { command: Command::Help, mutating: false, name: "help", keys: &[k('?'), code(KeyCode::F(1))], description: "Show the keys for this screen", scope: Scope::Everywhere },
    Spec { command: Command::Palette, mutating: false, name: "palette", keys: &[k(':'), ctrl('p')], description: "Run a command by name", scope: Scope::Everywhere },
    Spec { command: Command::Back, mutating: false, name: "back", keys: &[code(KeyCode::Esc)], description: "Cancel the running request, or go back", scope: Scope::Everywhere },
    Spec { command: Command::Search, mutating: false, name: "search", keys: &[k('/')], description: "Find a person in every backend: CPR, name, email or id", scope: Scope::Everywhere },
    Spec { command: Command::Users, mutating: false, name: "users", keys: &[k('u')], description: "List all users", scope: Scope::Everywhere },
    Spec { command: Command::Employees, mutating: false, name: "employees", keys: &[k('e')], description: "List the bank's employees", scope: Scope::Everywhere },
    Spec { command: Command::Review, mutating: false, name: "review", keys: &[k('v')], description: "Open the review queue of pending documents", scope: Scope::Everywhere },
    Spec { command: Command::Audit, mutating: false, name: "audit", keys: &[], description: "Show the audit trail", scope: Scope::Everywhere },
    Spec { command: Command::Onboarding, mutating: false, name: "companies", keys: &[k('o')], description: "Onboarding: client companies (Healthmov)", scope: Scope::Everywhere },
    Spec { command: Command::Platform, mutating: false, name: "platform-users", keys: &[k('p')], description: "Platform users (VASCO), pending first", scope: Scope::Everywhere },
    Spec { command: Command::EndUsers, mutating: false, name: "end-users", keys: &[k('U')], description: "Investment end users (Upvest)", scope: Scope::Everywhere },
    Spec { command: Command::BankUsers, mutating: false, name: "bunq-users", keys: &[k('B')], description: "Bank end users (bunq)", scope: Scope::Everywhere },
    Spec { command: Command::Pending, mutating: false, name: "pending", keys: &[k('P')], description: "Four-eyes proposals waiting for a second officer", scope: Scope::Everywhere },
    Spec { command: Command::Copy, mutating: false, name: "copy", keys: &[k('y')], description: "Copy the focused id to your clipboard (OSC 52)", scope: Scope::Everywhere },
    Spec { command: Command::Export, mutating: false, name: "export", keys: &[], description: "Write this table or detail to a file: export csv|json [PATH]; export! replaces a file", scope: Scope::Everywhere },
    Spec { command: Command::Profile, mutating: false, name: "profile", keys: &[], description: "Switch to another profile without restarting: profile NAME", scope: Scope::Everywhere },
    Spec { command: Command::FindExternalId, mutating: false, name: "external-id", keys: &[k('x')], description: "Find on Healthmov by external id", scope: Scope::Everywhere },
    Spec { command: Command::Refresh, mutating: false, name: "refresh", keys: &[code(KeyCode::F(5)), ctrl('r')], description: "Load this screen again", scope: Scope::Everywhere },
    Spec { command: Command::SwitchFocus, mutating: false, name: "focus", keys: &[code(KeyCode::Tab)], description: "Move between the search field and the results", scope: Scope::Search },
    Spec { command: Command::NextTab, mutating: false, name: "next-tab", keys: &[code(KeyCode::Tab), code(KeyCode::Right), k('l')], description: "Next tab", scope: Scope::Person },
    Spec { command: Command::PrevTab, mutating: false, name: "previous-tab", keys: &[code(KeyCode::BackTab), code(KeyCode::Left), k('h')], description: "Previous tab", scope: Scope::Person },
    Spec { command: Command::Tab1, mutating: false, name: "overview", keys: &[k('1')], description: "Overview and KYC", scope: Scope::Person },
    Spec { command: Command::Tab2, mutating: false, name: "roles", keys: &[k('2')], description: "Administrator roles", scope: Scope::Person },
    Spec { command: Command::Tab3, mutating: false, name: "identity", keys: &[k('3')], description: "Identity verification and MitID risk data", scope: Scope::Person },
    Spec { command: Command::Tab4, mutating: false, name: "documents", keys: &[k('4')], description: "Legitimation documents", scope: Scope::Person },
    Spec { command: Command::Up, mutating: false, name: "up", keys: &[code(KeyCode::Up), k('k')], description: "Move up", scope: Scope::Lists },
    Spec { command: Command::Down, mutating: false, name: "down", keys: &[code(KeyCode::Down), k('j')], description: "Move down", scope: Scope::Lists },
    Spec { command: Command::PageUp, mutating: false, name: "page-up", keys: &[code(KeyCode::PageUp)], description: "One page up", scope: Scope::Lists },
    Spec { command: Command::PageDown, mutating: false, name: "page-down", keys: &[code(KeyCode::PageDown)], description: "One page down", scope: Scope::Lists },
    Spec { command: Command::Top, mutating: false, name: "top", keys: &[code(KeyCode::Home), k('g')], description: "First row", scope: Scope::Lists },
    Spec { command: Command::Bottom, mutating: false, name: "bottom", keys: &[code(KeyCode::End), k('G')], description: "Last loaded row", scope: Scope::Lists },
    Spec { command: Command::Open, mutating: false, name: "open", keys: &[code(KeyCode::Enter)], description: "Open the selected row", scope: Scope::Lists },
    Spec { command: Command::Sort, mutating: false, name: "sort", keys: &[k('s')], description: "Change the sort order (name, id; up, down)", scope: Scope::PagedLists },
    Spec { command: Command::Filter, mutating: false, name: "filter", keys: &[k('f')], description: "Filter the loaded rows as you type (fuzzy): Enter keeps it, Esc drops it", scope: Scope::Filterable },
    Spec { command: Command::Kinds, mutating: false, name: "kinds", keys: &[k('t')], description: "Show all kinds, photo IDs only, or cards only", scope: Scope::Queue },
    Spec { command: Command::Filter, mutating: false, name: "find", keys: &[k('f')], description: "Filter the audit trail by text", scope: Scope::AuditTrail },
    Spec { command: Command::Approve, mutating: true, name: "approve", keys: &[k('a')], description: "Approve this document (asks to confirm)", scope: Scope::Document },
    Spec { command: Command::Reject, mutating: true, name: "reject", keys: &[k('r')], description: "Reject this document with a reason (asks to confirm)", scope: Scope::Document },
    Spec { command: Command::Zoom, mutating: false, name: "zoom", keys: &[k('z')], description: "Show the document image on the whole screen", scope: Scope::Document },
    Spec { command: Command::Reveal, mutating: false, name: "reveal", keys: &[k('R')], description: "Show the full CPR number (asks for a reason; audited)", scope: Scope::Cpr },
    Spec { command: Command::AddNote, mutating: false, name: "note", keys: &[k('N')], description: "Add an internal note to this record's timeline", scope: Scope::Notes },
    Spec { command: Command::Timeline, mutating: false, name: "timeline", keys: &[k('T')], description: "Show this record's timeline, newest first", scope: Scope::Record },
    Spec { command: Command::New, mutating: true, name: "new-employee", keys: &[k('n')], description: "Create a bank employee (a form)", scope: Scope::Staff },
    Spec { command: Command::New, mutating: true, name: "new-company", keys: &[k('n')], description: "Create a client company (a form)", scope: Scope::Companies },
    Spec { command: Command::Edit, mutating: true, name: "edit-company", keys: &[k('E')], description: "Create or update a company by external id (a form)", scope: Scope::Companies },
    Spec { command: Command::New, mutating: true, name: "new-department", keys: &[k('n')], description: "Create a department in this company (a form)", scope: Scope::Departments },
    Spec { command: Command::New, mutating: true, name: "new-client-employee", keys: &[k('n')], description: "Onboard an employee, with a dependent (a form)", scope: Scope::ClientEmployees },
    Spec { command: Command::Edit, mutating: true, name: "edit-employee", keys: &[k('E')], description: "Update this employee (a form)", scope: Scope::ClientStaff },
    Spec { command: Command::AddDependent, mutating: true, name: "add-dependent", keys: &[k('d')], description: "Add a dependent to this employee (a form)", scope: Scope::ClientEmployee },
    Spec { command: Command::EditDependent, mutating: true, name: "edit-dependent", keys: &[k('D')], description: "Update the selected dependent (a form)", scope: Scope::ClientEmployee },
    Spec { command: Command::Offboard, mutating: true, name: "offboard", keys: &[k('O')], description: "Set this employee's offboarding date (a form)", scope: Scope::ClientStaff },
    Spec { command: Command::Import, mutating: true, name: "import", keys: &[k('I')], description: "Import employees from a CSV file, with progress", scope: Scope::Departments },
    Spec { command: Command::Activate, mutating: true, name: "activate", keys: &[k('a')], description: "Activate this platform user (asks to confirm)", scope: Scope::Platform },
    Spec { command: Command::Deactivate, mutating: true, name: "deactivate", keys: &[k('d')], description: "Deactivate this platform user, with a comment", scope: Scope::Platform },
    Spec { command: Command::MoveGroup, mutating: true, name: "user-group", keys: &[k('m')], description: "Move this platform user to another user group", scope: Scope::Platform },
    Spec { command: Command::Edit, mutating: true, name: "edit-platform-user", keys: &[k('E')], description: "Edit this platform user's name and mobile", scope: Scope::Platform },
    Spec { command: Command::New, mutating: true, name: "new-platform-user", keys: &[k('n')], description: "Create a platform user (a form)", scope: Scope::PlatformList },
    Spec { command: Command::Offboard, mutating: true, name: "offboard-end-user", keys: &[k('O')], description: "Offboard this end user, with a reason (asks to confirm)", scope: Scope::Investors },
    Spec { command: Command::RequestChange, mutating: true, name: "data-change", keys: &[k('c')], description: "Ask Upvest to change this end user's data (a form)", scope: Scope::Investors },
    Spec { command: Command::New, mutating: true, name: "new-end-user", keys: &[k('n')], description: "Create an end user (a form)", scope: Scope::InvestorList },
    Spec { command: Command::Block, mutating: true, name: "block", keys: &[k('b')], description: "Block this bunq user, with a reason (asks to confirm)", scope: Scope::Banking },
    Spec { command: Command::SetStatus, mutating: true, name: "status", keys: &[k('t')], description: "Set this bunq user's status and sub-status (a form)", scope: Scope::Banking },
    Spec { command: Command::Edit, mutating: true, name: "edit-bunq-user", keys: &[k('E')], description: "Edit this bunq user's details (a form)", scope: Scope::Banking },
    Spec { command: Command::ConfirmProposal, mutating: true, name: "confirm", keys: &[k('a')], description: "Confirm this proposal: your console sends the change (audited)", scope: Scope::Proposal },
    Spec { command: Command::DeclineProposal, mutating: true, name: "decline", keys: &[k('r')], description: "Decline this proposal, with a reason", scope: Scope::Proposal },
    Spec { command: Command::Import, mutating: true, name: "import-here", keys: &[k('I')], description: "Import employees from a CSV file into this department", scope: Scope::ClientEmployees },
];

pub fn spec(command: Command) -> &'static Spec {
    REGISTRY
        .iter()
        .find(|s| s.command == command)
        .expect("every command is registered")
}

/// The spec of `command` that applies in `ctx` (one command may have several, one per
/// screen: `n` creates an employee on one and a company on another); `None` where it does
/// not apply. Read-only is not applied here: the caller says why a mutating one is refused.
pub fn applicable(command: Command, ctx: Context) -> Option<&'static Spec> {
    let ctx = ctx.read_only(false);
    REGISTRY
        .iter()
        .find(|s| s.command == command && ctx.allows(s))
}

/// What the focused screen offers, which decides which commands apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub scopes: &'static [Scope],
    /// A text field has focus: printable keys type instead of running commands.
    pub typing: bool,
    /// The profile is read-only: mutating commands do not exist.
    pub read_only: bool,
}

impl Context {
    pub fn allows(&self, spec: &Spec) -> bool {
        (spec.scope == Scope::Everywhere || self.scopes.contains(&spec.scope))
            && !(self.read_only && spec.mutating)
    }

    pub fn read_only(self, read_only: bool) -> Context {
        Context { read_only, ..self }
    }
}

const fn ctx(scopes: &'static [Scope], typing: bool) -> Context {
    Context {
        scopes,
        typing,
        read_only: false,
    }
}

pub const SEARCH_INPUT: Context = ctx(&[Scope::Search], true);
/// A text field has the keys (a filter): only commands on Ctrl, F-keys and Esc apply.
pub const TYPING: Context = ctx(&[], true);
pub const SEARCH_RESULTS: Context = ctx(&[Scope::Search, Scope::Lists], false);
pub const PERSON: Context = ctx(
    &[
        Scope::Person,
        Scope::Lists,
        Scope::Cpr,
        Scope::Notes,
        Scope::Record,
    ],
    false,
);
pub const PAGED_LIST: Context = ctx(&[Scope::PagedLists, Scope::Lists, Scope::Filterable], false);
pub const QUEUE: Context = ctx(&[Scope::Queue, Scope::Lists, Scope::Filterable], false);
pub const DOCUMENT: Context = ctx(
    &[Scope::Document, Scope::Cpr, Scope::Notes, Scope::Record],
    false,
);
pub const AUDIT: Context = ctx(&[Scope::AuditTrail, Scope::Lists], false);
pub const STAFF: Context = ctx(
    &[
        Scope::PagedLists,
        Scope::Lists,
        Scope::Staff,
        Scope::Filterable,
    ],
    false,
);
pub const DETAIL: Context = ctx(&[], false);
/// One bank employee.
pub const EMPLOYEE: Context = ctx(&[Scope::Notes, Scope::Record], false);
pub const COMPANIES: Context = ctx(&[Scope::Companies, Scope::Lists, Scope::Filterable], false);
pub const DEPARTMENTS: Context = ctx(
    &[Scope::Departments, Scope::Lists, Scope::Filterable],
    false,
);
pub const CLIENT_EMPLOYEES: Context = ctx(
    &[
        Scope::ClientEmployees,
        Scope::ClientStaff,
        Scope::Lists,
        Scope::Filterable,
    ],
    false,
);
pub const CLIENT_EMPLOYEE: Context = ctx(
    &[
        Scope::ClientEmployee,
        Scope::ClientStaff,
        Scope::Lists,
        Scope::Notes,
        Scope::Record,
    ],
    false,
);
pub const PLATFORM_USERS: Context = ctx(
    &[
        Scope::Platform,
        Scope::PlatformList,
        Scope::Lists,
        Scope::Filterable,
    ],
    false,
);
pub const PLATFORM_USER: Context = ctx(
    &[Scope::Platform, Scope::Lists, Scope::Notes, Scope::Record],
    false,
);
pub const END_USERS: Context = ctx(
    &[
        Scope::Investors,
        Scope::InvestorList,
        Scope::Lists,
        Scope::Filterable,
    ],
    false,
);
pub const END_USER: Context = ctx(&[Scope::Investors, Scope::Notes, Scope::Record], false);
pub const BANK_USERS: Context = ctx(&[Scope::Banking, Scope::Lists, Scope::Filterable], false);
pub const BANK_USER: Context = ctx(&[Scope::Banking, Scope::Notes, Scope::Record], false);
pub const PENDING: Context = ctx(&[Scope::Lists, Scope::Filterable], false);
pub const PROPOSAL: Context = ctx(&[Scope::Proposal, Scope::Notes, Scope::Record], false);
/// A record's timeline: notes are added to the same record.
pub const TIMELINE: Context = ctx(&[Scope::Notes, Scope::Lists, Scope::Filterable], false);
pub const ALL_CONTEXTS: &[Context] = &[
    SEARCH_INPUT,
    TYPING,
    SEARCH_RESULTS,
    PERSON,
    PAGED_LIST,
    QUEUE,
    DOCUMENT,
    AUDIT,
    STAFF,
    DETAIL,
    COMPANIES,
    DEPARTMENTS,
    CLIENT_EMPLOYEES,
    CLIENT_EMPLOYEE,
    PLATFORM_USERS,
    PLATFORM_USER,
    END_USERS,
    END_USER,
    BANK_USERS,
    BANK_USER,
    PENDING,
    PROPOSAL,
    EMPLOYEE,
    TIMELINE,
];

/// The command a key runs here with the default keys, if any.
pub fn lookup(ev: &KeyEvent, ctx: Context) -> Option<Command> {
    super::keymap::Keymap::default().lookup(ev, ctx)
}

/// The commands available here, in registry order.
pub fn available(ctx: Context) -> impl Iterator<Item = &'static Spec> {
    REGISTRY.iter().filter(move |s| ctx.allows(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn typing_keeps_printable_keys_for_the_field() {
        let typing = SEARCH_INPUT;
        let browsing = Context {
            typing: false,
            ..typing
        };
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(lookup(&q, typing), None);
        assert_eq!(lookup(&q, browsing), Some(Command::Quit));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, typing), Some(Command::Quit));
        assert_eq!(
            lookup(&press(KeyCode::Tab, KeyModifiers::NONE), typing),
            Some(Command::SwitchFocus)
        );
    }

    #[test]
    fn shift_tab_goes_to_the_previous_tab_as_terminals_send_it() {
        let shift_tab = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(&shift_tab, PERSON), Some(Command::PrevTab));
    }

    #[test]
    fn scope_decides_what_a_key_means() {
        let person = PERSON;
        let search = SEARCH_RESULTS;
        let tab = press(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(lookup(&tab, person), Some(Command::NextTab));
        assert_eq!(lookup(&tab, search), Some(Command::SwitchFocus));
        assert_eq!(
            lookup(&press(KeyCode::Char('s'), KeyModifiers::NONE), person),
            None
        );
        let shifted_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&shifted_g, person), Some(Command::Bottom));
    }

    #[test]
    fn read_only_profiles_have_no_mutating_commands() {
        let a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
        assert_eq!(lookup(&a, DOCUMENT), Some(Command::Approve));
        assert_eq!(lookup(&a, DOCUMENT.read_only(true)), None);
        assert!(available(DOCUMENT.read_only(true)).all(|s| !s.mutating));
        assert!(available(DOCUMENT).any(|s| s.command == Command::Reject));
    }

    #[test]
    fn names_are_unique_and_no_key_is_ambiguous_on_any_screen() {
        let mut names: Vec<_> = REGISTRY.iter().map(|s| s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), REGISTRY.len());
        for ctx in ALL_CONTEXTS {
            let specs: Vec<_> = available(*ctx).collect();
            for a in &specs {
                for b in &specs {
                    if a.command != b.command {
                        for ka in a.keys {
                            assert!(
                                !b.keys.contains(ka),
                                "{} and {} share {}",
                                a.name,
                                b.name,
                                ka.label()
                            );
                        }
                    }
                }
            }
        }
    }
}
